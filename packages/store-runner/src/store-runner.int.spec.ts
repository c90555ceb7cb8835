import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CONSUMER_QUEUES } from '@loja/contracts';
import { waitFor } from '@loja/messaging/testing';
import { RabbitManagement, serverSettingsFromEnv } from '@loja/provisioning';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropStore } from './drop-store';
import { startStore, type RunningStore } from './start-store';

// Runs inventory only: it is the service every store starts first, and the one built in every checkout.
const ROOT = resolve(__dirname, '../../..');
const servers = serverSettingsFromEnv();
const management = new RabbitManagement(servers.rabbitmqManagementUrl);

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const healthStatus = async (url: string) => {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 'unreachable';
  }
};

const vhostExists = async (vhost: string) => {
  try {
    await management.request('GET', `/vhosts/${encodeURIComponent(vhost)}`);
    return true;
  } catch (error) {
    if (/: 404 /.test((error as Error).message)) return false;
    throw error;
  }
};

async function adminQuery<T extends Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]> {
  const client = new Client({ connectionString: servers.postgresUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const listen = (server: Server) =>
  new Promise<number>((resolve) => server.listen(0, () => resolve((server.address() as { port: number }).port)));

describe('store runner on real PostgreSQL and RabbitMQ', () => {
  const namespace = `t${randomBytes(4).toString('hex')}_store_runner`;
  const progress: string[] = [];
  let logDir: string;
  let store: RunningStore;
  let inventoryUrl: string;

  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'apps/inventory/dist/main.js'))) {
      throw new Error('apps/inventory is not built: run `npx turbo run build --filter=@loja/inventory`');
    }
    logDir = mkdtempSync(join(tmpdir(), 'store-runner-'));
    // Must not reach the service: it gets its own environment only.
    process.env.STORE_RUNNER_TEST_SECRET = 'launcher-only';
    store = await startStore({
      namespace,
      services: ['inventory'],
      ports: { inventory: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      logDir,
      onProgress: (line) => progress.push(line),
    });
    inventoryUrl = store.service('inventory').url;
  });

  afterAll(async () => {
    delete process.env.STORE_RUNNER_TEST_SECRET;
    await store?.stop();
    await dropStore(namespace, servers);
    if (logDir) rmSync(logDir, { recursive: true, force: true });
  });

  it('provisions the vhost with the whole topology and a database of its own, then serves the catalogue', async () => {
    const { port, url, databaseUrl } = store.service('inventory');
    expect(port).toBeGreaterThan(0);
    expect(url).toBe(`http://localhost:${port}`);
    expect(store.urls.inventory).toBe(url);
    expect(store.urls.orders).toBeUndefined();
    expect(store.urls.rabbitmqUi).toMatch(new RegExp(`:15672/#/queues/${namespace}$`));
    expect(store.urls.mailUi).toBe(store.mailSink?.webUrl);
    expect((await fetch(store.urls.mailUi!)).status).toBe(200);

    const queues = (await management.queues(namespace)).map((q) => q.name);
    for (const queue of Object.keys(CONSUMER_QUEUES))
      expect(queues).toEqual(expect.arrayContaining([queue, `${queue}.dlq`]));
    // The retry queues all consumer queues share, one per delay of the default retry policy.
    const delays = [250, 1000, 4000, 16_000, 64_000];
    expect(queues).toEqual(expect.arrayContaining(delays.map((delay) => `loja.retry.${delay}ms`)));
    expect(progress).toContainEqual(expect.stringMatching(/^RabbitMQ: vhost /));
    expect(new URL(store.rabbitmqUrl).pathname).toBe(`/${namespace}`);

    const db = new URL(databaseUrl);
    expect(db.pathname).toBe(`/${namespace}_inventory`);
    expect(db.username).toBe(`${namespace}_inventory`);

    const response = await fetch(`${inventoryUrl}/products`);
    expect(response.status).toBe(200);
    const skus = ((await response.json()) as Array<{ sku: string }>).map((p) => p.sku);
    expect(skus).toEqual(expect.arrayContaining(['CAMISETA-BASICA-M', 'BONE-EDICAO-LIMITADA']));
    expect(progress).toContainEqual(expect.stringMatching(/^inventory healthy in /));
  });

  it.skipIf(!existsSync('/proc/self/environ'))(
    'gives the service only its own environment and appends its output to its log file',
    () => {
      const pid = store.service('inventory').pid!;
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
      const names = environ.map((entry) => entry.slice(0, entry.indexOf('=')));
      expect(names).toEqual(expect.arrayContaining(['DATABASE_URL', 'RABBITMQ_URL', 'PORT', 'PATH']));
      expect(names).not.toContain('STORE_RUNNER_TEST_SECRET');
      expect(names).not.toContain('POSTGRES_URL');
      // Asked for a free port: the service binds one itself and says which.
      expect(environ).toContain('PORT=0');

      expect(store.logFile('inventory')).toBe(join(logDir, 'inventory.log'));
      expect(readFileSync(store.logFile('inventory'), 'utf8')).toContain(
        `"message":{"msg":"listening","port":${store.service('inventory').port}}`,
      );
    },
  );

  it('reports a crashed service and does not restart it', async () => {
    const pid = store.service('inventory').pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor('the crash to be reported', () =>
      progress.some((line) => line.startsWith(`inventory (pid ${pid}) exited unexpectedly with signal SIGKILL`)),
    );
    expect(isAlive(pid)).toBe(false);
    expect(store.service('inventory').pid).toBe(pid);
    expect(await healthStatus(inventoryUrl)).toBe('unreachable');
  });

  it('restart() brings it back healthy on the same port; kill() ends it and waits for the exit', async () => {
    const crashed = store.service('inventory').pid!;
    await store.restart('inventory');
    const restarted = store.service('inventory').pid!;
    expect(restarted).not.toBe(crashed);
    expect(await healthStatus(inventoryUrl)).toBe(200);
    expect((await fetch(`${inventoryUrl}/products`)).status).toBe(200);

    await store.kill('inventory');
    expect(isAlive(restarted)).toBe(false);
    expect(progress).toContain(`inventory (pid ${restarted}) ended by SIGKILL`);
    expect(progress.filter((line) => line.includes(`(pid ${restarted}) exited unexpectedly`))).toEqual([]);

    await store.restart('inventory');
    expect(await healthStatus(inventoryUrl)).toBe(200);
  });

  it('fails a start clearly when a service cannot boot: names it, quotes its log, leaves nothing running', async () => {
    const lines: string[] = [];
    const failedLogDir = mkdtempSync(join(tmpdir(), 'store-runner-failed-'));
    try {
      await expect(
        startStore({
          namespace,
          services: ['inventory'],
          ports: { inventory: 0 },
          smtpUrl: 'smtp://127.0.0.1:2525',
          logDir: failedLogDir,
          serviceEnv: { inventory: { DATABASE_URL: '' } },
          onProgress: (line) => lines.push(line),
        }),
      ).rejects.toThrow(
        /inventory exited with code \d+ before it became healthy[\s\S]*Last lines of .*inventory\.log[\s\S]*DATABASE_URL/,
      );
      const pid = Number(/starting inventory on :\d+ \(pid (\d+)/.exec(lines.join('\n'))?.[1]);
      expect(pid).toBeGreaterThan(0);
      expect(isAlive(pid)).toBe(false);
    } finally {
      rmSync(failedLogDir, { recursive: true, force: true });
    }
  });

  it('refuses a port in use before provisioning anything', async () => {
    const squatter = createServer();
    const port = await listen(squatter);
    const untouched = `t${randomBytes(4).toString('hex')}_store_runner`;
    try {
      await expect(
        startStore({
          namespace: untouched,
          services: ['inventory'],
          ports: { inventory: port },
          mailSink: { smtpPort: 0, httpPort: 0 },
        }),
      ).rejects.toThrow(`port ${port} for inventory is already in use`);
      expect(await vhostExists(untouched)).toBe(false);
    } finally {
      squatter.close();
    }
  });

  it('stop() leaves no service running and closes the mail sink; dropStore() removes the vhost, databases and roles', async () => {
    const pid = store.service('inventory').pid!;
    await store.stop();
    expect(isAlive(pid)).toBe(false);
    expect(progress).toContain('inventory stopped');
    expect(await healthStatus(inventoryUrl)).toBe('unreachable');
    await expect(fetch(store.urls.mailUi!)).rejects.toThrow();

    expect(await vhostExists(namespace)).toBe(true);
    await dropStore(namespace, servers);
    expect(await vhostExists(namespace)).toBe(false);
    const prefix = `${namespace}_`;
    expect(await adminQuery('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix])).toEqual([]);
    expect(await adminQuery('SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)', [prefix])).toEqual([]);
  });
});
