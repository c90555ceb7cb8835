import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '@loja/provisioning';
import { readEnvFile } from './env-file';
import { repoRoot, SERVICES } from './repo';

/**
 * infra/postgres/initdb run as the postgres image runs it on a first start: a brand-new cluster
 * (password authentication over TCP, like the image's pg_hba), the script executed with the
 * image's variables against the local socket. Then every role is tried against every database.
 */

const root = repoRoot();
const env = readEnvFile(join(root, '.env.example'));
const asRoot = process.getuid?.() === 0;
let dir: string;
let port: number;
let pgBin: string;

/** PostgreSQL refuses to run as root: run its programs as the `postgres` system user then. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const [file, argv] = asPostgres(command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} exited ${code}:\n${output}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function postgresBinaries(): string {
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' }).stdout?.trim();
  if (fromPgConfig && existsSync(join(fromPgConfig, 'initdb'))) return fromPgConfig;
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => +b - +a) : [];
  for (const version of versions) {
    const bin = join('/usr/lib/postgresql', version, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  throw new Error('initdb not found: install PostgreSQL (apt-get install postgresql)');
}

const url = (user: string, password: string, database: string) =>
  `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;

async function tryConnect(user: string, password: string, database: string): Promise<string> {
  const client = new Client({ connectionString: url(user, password, database), connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  pgBin = postgresBinaries();
  dir = mkdtempSync(join(tmpdir(), 'loja-pg-init-'));
  const passwordFile = join(dir, 'pwfile');
  writeFileSync(passwordFile, `${env.POSTGRES_PASSWORD}\n`);
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chownSync(passwordFile, uid, gid);
  }
  port = await freePort();
  // As the image: superuser `postgres`, trust on the local socket, scram-sha-256 over the network.
  await run(join(pgBin, 'initdb'), [
    '-D',
    join(dir, 'data'),
    '--username=postgres',
    `--pwfile=${passwordFile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '--no-sync',
  ]);
  await run(join(pgBin, 'pg_ctl'), [
    '-D',
    join(dir, 'data'),
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} -c fsync=off`,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
  const imageEnv = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('POSTGRES_')));
  await run('bash', [join(root, 'infra/postgres/initdb/10-service-databases.sh')], {
    ...imageEnv,
    POSTGRES_USER: 'postgres',
    POSTGRES_DB: 'postgres',
    PGHOST: dir,
    PGPORT: String(port),
  });
}, 180_000);

afterAll(async () => {
  if (dir && existsSync(join(dir, 'data', 'postmaster.pid'))) {
    await run(join(pgBin, 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL initialisation (infra/postgres/initdb) on a fresh cluster', () => {
  it('lets each service role into its own database only, with the password from .env', async () => {
    const databases = [...SERVICES, 'postgres', 'template1'];
    for (const role of SERVICES) {
      const password = env[`POSTGRES_${role.toUpperCase()}_PASSWORD`]!;
      for (const database of databases) {
        // 42501: permission denied for database (CONNECT revoked from PUBLIC).
        expect(`${role} -> ${database}: ${await tryConnect(role, password, database)}`).toBe(
          `${role} -> ${database}: ${database === role ? 'ok' : '42501'}`,
        );
      }
      // 28P01: password authentication failed.
      expect(await tryConnect(role, `${password}-wrong`, role)).toBe('28P01');
    }
  });

  it('lets each service apply its own migrations with its own role', async () => {
    await Promise.all(
      SERVICES.map((service) =>
        migrate(join(root, 'apps', service), url(service, env[`POSTGRES_${service.toUpperCase()}_PASSWORD`]!, service)),
      ),
    );
    for (const service of SERVICES) {
      const client = new Client({ connectionString: url('postgres', env.POSTGRES_PASSWORD!, service) });
      await client.connect();
      const { rows } = await client.query<{ owner: string }>(
        `SELECT DISTINCT tableowner AS owner FROM pg_tables WHERE schemaname = 'public'`,
      );
      await client.end();
      expect(
        rows.map((r) => r.owner),
        service,
      ).toEqual([service]);
    }
  }, 180_000);
});
