import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RabbitManagement } from '@loja/provisioning';
import { VHOST, type DefinitionsTemplate } from './broker-definitions';
import { DEFINITIONS_TEMPLATE } from './write-definitions';

type Rendered = Omit<DefinitionsTemplate, 'users'> & {
  users: Array<{ name: string; password_hash: string; hashing_algorithm: string; tags: string[] }>;
};

/**
 * Runs infra/rabbitmq/render-definitions.mjs as the `rabbitmq-definitions` container does, with the
 * given password variables, and returns what it wrote (or its failure).
 */
export function renderDefinitions(
  root: string,
  env: Record<string, string>,
): { status: number | null; stderr: string; definitions?: Rendered } {
  const dir = mkdtempSync(join(tmpdir(), 'loja-definitions-'));
  try {
    const output = join(dir, 'definitions.json');
    const result = spawnSync(
      process.execPath,
      [join(root, 'infra/rabbitmq/render-definitions.mjs'), join(root, DEFINITIONS_TEMPLATE), output],
      { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
    );
    const definitions = result.status === 0 ? (JSON.parse(readFileSync(output, 'utf8')) as Rendered) : undefined;
    return { status: result.status, stderr: result.stderr, definitions };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface LoadedUsers {
  /** Broker user name and password of each definitions user (`admin`, `orders`...). */
  credentials: Map<string, { user: string; password: string }>;
  remove(): Promise<void>;
}

/**
 * Loads the rendered definitions into `vhost` of a live broker, as the broker would at boot but
 * side by side with other runs: the topology through a vhost-scoped import, users under a
 * `<vhost>_` prefix (users are broker-wide) with fresh passwords and the definitions' permissions.
 */
export async function loadDefinitions(root: string, management: RabbitManagement, vhost: string): Promise<LoadedUsers> {
  const template = JSON.parse(readFileSync(join(root, DEFINITIONS_TEMPLATE), 'utf8')) as DefinitionsTemplate;
  const passwords = Object.fromEntries(template.users.map((u) => [u.password_env, randomBytes(12).toString('hex')]));
  const rendered = renderDefinitions(root, passwords);
  if (!rendered.definitions) throw new Error(`render-definitions failed: ${rendered.stderr}`);
  const definitions = rendered.definitions;
  const rename = (user: string) => `${vhost}_${user}`;
  const inVhost = <T extends { vhost: string }>(items: T[]) =>
    items.map((item) => ({ ...item, vhost: item.vhost === VHOST ? vhost : item.vhost }));

  await management.request('POST', `/definitions/${encodeURIComponent(vhost)}`, {
    exchanges: definitions.exchanges.map(({ vhost: _v, ...e }) => e),
    queues: definitions.queues.map(({ vhost: _v, ...q }) => q),
    bindings: definitions.bindings.map(({ vhost: _v, ...b }) => b),
  });
  await management.request('POST', '/definitions', {
    vhosts: definitions.vhosts.map((v) => ({ ...v, name: vhost })),
    users: definitions.users.map((u) => ({ ...u, name: rename(u.name) })),
    permissions: inVhost(definitions.permissions).map((p) => ({ ...p, user: rename(p.user) })),
    topic_permissions: inVhost(definitions.topic_permissions).map((p) => ({ ...p, user: rename(p.user) })),
  });

  const credentials = new Map(
    template.users.map((u) => [u.name, { user: rename(u.name), password: passwords[u.password_env]! }]),
  );
  return {
    credentials,
    remove: async () => {
      for (const { user } of credentials.values()) {
        await management.request('DELETE', `/users/${encodeURIComponent(user)}`).catch(() => undefined);
      }
    },
  };
}

/** `amqp://user:password@host:port/vhost` from a URL of the same broker. */
export function amqpUrlFor(brokerUrl: string, vhost: string, user: string, password: string): string {
  const url = new URL(brokerUrl);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  url.pathname = `/${encodeURIComponent(vhost)}`;
  return url.toString();
}
