import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNamespace, waitFor } from '@loja/messaging/testing';
import { healthcheckCommand, loadComposeProject } from './compose-file';
import { readEnvFile } from './env-file';
import { buildNatively, hostPath, type NativeBuildResult } from './native-build';
import { amqpUrlFor, loadDefinitions, type LoadedUsers } from './rendered-definitions';
import { repoRoot } from './repo';

/**
 * The Dockerfile's build executed natively for one app (turbo prune --docker, npm ci, turbo build,
 * npm prune --omit=dev, the runtime stage's copies), then the result started the way the container
 * starts it (its CMD, from its WORKDIR, with compose's environment for the service) against the local
 * PostgreSQL and RabbitMQ, with the broker user and permissions of the compose definitions.
 * Anything the image would lack (a file not copied, a dependency pruned away) fails the start.
 */

const APP = 'inventory';
const root = repoRoot();
const compose = loadComposeProject([join(root, 'docker-compose.yml')], readEnvFile(join(root, '.env.example')));

let workDir: string;
let build: NativeBuildResult;
let ns: TestNamespace;
let users: LoadedUsers;
let service: ChildProcess | undefined;
let serviceOutput = '';
let port: number;

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

/**
 * Only the tools of this machine (PATH, HOME for npm's cache, the offline Prisma engine), none of the
 * test runner's variables (NODE_ENV=test...): a build and a container start from a clean environment.
 */
function hostTools(): NodeJS.ProcessEnv {
  const names = [
    'PATH',
    'HOME',
    'TMPDIR',
    'LANG',
    'PRISMA_SCHEMA_ENGINE_BINARY',
    'PRISMA_WASM_CACHE',
    'PRISMA_ENGINES_MIRROR',
  ];
  return Object.fromEntries(names.flatMap((k) => (process.env[k] ? [[k, process.env[k]]] : [])));
}

/** What the container's environment has: the image's ENV and compose's. */
function containerEnv(overrides: Record<string, string>): NodeJS.ProcessEnv {
  return { ...hostTools(), ...build.final.env, ...compose.services[APP]!.environment, ...overrides };
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'loja-image-'));
  build = await buildNatively({
    context: root,
    buildArgs: { APP },
    workDir,
    baseEnv: hostTools(),
    // The registry is slow from here: use what the npm cache has before asking it.
    env: { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
  });
}, 10 * 60_000);

afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((resolve) => service!.once('exit', resolve));
    service.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())]);
    if (service.exitCode === null) service.kill('SIGKILL');
  }
  await users?.remove();
  await ns?.dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 60_000);

describe(`Dockerfile built natively for APP=${APP}`, () => {
  it('runs every build step but the base image setup, and leaves production dependencies only', () => {
    expect(build.steps.filter((s) => !s.ran).every((s) => /^apt-get /.test(s.command))).toBe(true);
    expect(build.steps.filter((s) => s.ran).map((s) => s.stage)).toEqual(['prune', 'prune', 'build', 'build', 'build']);
    const app = hostPath(build.final, build.final.workdir);
    expect(build.final.workdir).toBe(`/app/apps/${APP}`);
    expect(existsSync(join(app, 'dist', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'prisma', 'migrations'))).toBe(true);
    const modules = hostPath(build.final, '/app/node_modules');
    for (const runtime of ['@nestjs/core', 'prisma', '@prisma/client', '@loja/messaging']) {
      expect(existsSync(join(modules, runtime)), runtime).toBe(true);
    }
    for (const devOnly of ['vitest', 'eslint', 'turbo', '@swc/core', 'prettier', 'typescript-eslint']) {
      expect(existsSync(join(modules, devOnly)), devOnly).toBe(false);
    }
    // Only the app and the workspaces it uses are in the image.
    expect(readdirSync(hostPath(build.final, '/app/apps'))).toEqual([APP]);
    expect(existsSync(hostPath(build.final, '/app/.env'))).toBe(false);
    expect(build.final.user).toBe('node');
  });

  it('starts from its CMD with compose environment, migrates, and reports healthy to the compose healthcheck', async () => {
    ns = await TestNamespace.create('compose_image');
    users = await loadDefinitions(root, ns.management, ns.name);
    const appDir = hostPath(build.final, build.final.workdir);
    // Provisioning also runs `prisma migrate deploy`, from the built app folder; the CMD runs it again.
    const databaseUrl = await ns.database(APP, appDir);
    const broker = users.credentials.get(APP)!;
    port = await freePort();
    const command = build.final.cmd!.exec!;
    service = spawn(command[0]!, command.slice(1), {
      cwd: appDir,
      env: containerEnv({
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: amqpUrlFor(ns.rabbitmqUrl, ns.name, broker.user, broker.password),
        PORT: String(port),
        LOG_LEVEL: 'warn',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    service.stdout!.on('data', (c: Buffer) => (serviceOutput = (serviceOutput + c.toString()).slice(-8000)));
    service.stderr!.on('data', (c: Buffer) => (serviceOutput = (serviceOutput + c.toString()).slice(-8000)));

    const outcome = await waitFor(
      'GET /health of the built service to answer 200',
      async () => {
        if (service!.exitCode !== null || service!.signalCode !== null) return 'exited' as const;
        const response = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        return response?.status === 200 && ('healthy' as const);
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    ).catch((error: Error) => error.message);
    if (outcome !== 'healthy') {
      throw new Error(`the built service did not become healthy (${outcome}):\n${serviceOutput}`);
    }

    // The compose healthcheck, run with the image's script.
    const [node, script, url] = healthcheckCommand(compose.services[APP]!.healthcheck).argv!;
    const target = new URL(url!);
    target.port = String(port);
    const check = spawnSync(node!, [hostPath(build.final, script!), target.toString()], {
      env: containerEnv({}),
      encoding: 'utf8',
    });
    expect(check.status, check.stderr).toBe(0);

    // What a user of the store sees: the catalogue.
    const products = (await (await fetch(`http://127.0.0.1:${port}/products`)).json()) as unknown[];
    expect(products.length).toBeGreaterThan(0);
  }, 240_000);
});
