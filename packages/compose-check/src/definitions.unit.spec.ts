import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_EVENTS, CONSUMER_QUEUES } from '@loja/contracts';
import { messagingOptionsFromEnv } from '@loja/messaging';
import {
  ADMIN_USER,
  brokerFootprint,
  DEFAULT_EXCHANGE,
  PUBLISHED_EVENTS,
  permits,
  VHOST,
  type DefinitionsTemplate,
} from './broker-definitions';
import { renderDefinitions } from './rendered-definitions';
import { repoRoot, SERVICES, type Service } from './repo';
import { publishedEventTypesOf } from './service-facts';
import { DEFINITIONS_TEMPLATE, renderDefinitionsTemplate } from './write-definitions';

/** infra/rabbitmq/definitions.template.json against the contracts and the services' code. */

const root = repoRoot();
const template = JSON.parse(readFileSync(join(root, DEFINITIONS_TEMPLATE), 'utf8')) as DefinitionsTemplate;
const permissionOf = (user: string) => template.permissions.find((p) => p.user === user && p.vhost === VHOST)!;
const topicPermissionOf = (user: string) => template.topic_permissions.find((p) => p.user === user)!;

/** The retry delays messaging uses with its default settings (one retry queue per delay). */
function defaultRetryDelays(): number[] {
  const { retry } = messagingOptionsFromEnv(
    { service: 'orders', imports: [], prisma: class {} as never },
    { DATABASE_URL: 'postgresql://x' },
  );
  const delays = new Set<number>();
  for (let attempt = 1; attempt < retry.attempts; attempt++) {
    delays.add(Math.round(Math.min(retry.initialDelayMs * retry.multiplier ** (attempt - 1), retry.maxDelayMs)));
  }
  return [...delays];
}

describe('RabbitMQ definitions template', () => {
  it('is what the contracts generate (npm run definitions -w @loja/compose-check rewrites it)', () => {
    expect(template).toEqual(JSON.parse(renderDefinitionsTemplate()));
  });

  it('has one user per service and an administrator, and no guest', () => {
    expect(template.users.map((u) => u.name).sort()).toEqual([ADMIN_USER, ...SERVICES].sort());
    expect(template.users.find((u) => u.name === ADMIN_USER)!.tags).toEqual(['administrator']);
    for (const service of SERVICES) expect(template.users.find((u) => u.name === service)!.tags).toEqual([]);
    expect(JSON.stringify(template)).not.toMatch(/guest/);
    expect(template.vhosts.map((v) => v.name)).toEqual([VHOST]);
    expect(template.users.every((u) => /^RABBITMQ_[A-Z]+_PASSWORD$/.test(u.password_env))).toBe(true);
  });

  it('declares every consumer queue of the contracts as quorum, with its DLQ and bindings', () => {
    for (const [queue, events] of Object.entries(CONSUMER_QUEUES)) {
      const declared = template.queues.find((q) => q.name === queue);
      expect(declared?.arguments['x-queue-type'], queue).toBe('quorum');
      expect(declared?.arguments['x-dead-letter-routing-key']).toBe(`${queue}.dlq`);
      expect(template.queues.find((q) => q.name === `${queue}.dlq`)?.arguments['x-queue-type']).toBe('quorum');
      const keys = template.bindings.filter((b) => b.destination === queue).map((b) => b.routing_key);
      const expected = events.map((type) => ALL_EVENTS.find((e) => e.type === type)!.routingKey);
      expect(keys.sort()).toEqual([...new Set(expected)].sort());
    }
    expect(template.exchanges).toEqual([
      expect.objectContaining({ name: 'loja.events', type: 'topic', durable: true }),
    ]);
  });

  it('knows exactly what each service publishes, as its code shows', () => {
    for (const service of SERVICES) {
      expect(publishedEventTypesOf(root, service), service).toEqual([...PUBLISHED_EVENTS[service]].sort());
    }
    const producers = SERVICES.flatMap((s) => PUBLISHED_EVENTS[s]);
    expect(producers.sort()).toEqual(ALL_EVENTS.map((e) => e.type).sort());
  });

  it.each(SERVICES)('permits %s everything its service does on the broker', (service: Service) => {
    const permission = permissionOf(service);
    const topic = topicPermissionOf(service);
    const footprint = brokerFootprint(service);
    const declared = footprint.declares([...defaultRetryDelays(), 1, 250, 3_600_000]);
    for (const queue of declared) expect(permits(permission.configure, queue), `configure ${queue}`).toBe(true);
    for (const exchange of footprint.exchanges) {
      expect(permits(permission.configure, exchange), `configure ${exchange}`).toBe(true);
      expect(permits(permission.read, exchange), `read ${exchange} (bind)`).toBe(true);
    }
    for (const queue of footprint.consumes) {
      expect(permits(permission.read, queue), `read ${queue}`).toBe(true);
      expect(permits(permission.write, queue), `write ${queue} (bind)`).toBe(true);
    }
    // Declaring a queue with a dead-letter exchange needs read on it and write on that exchange.
    for (const queue of declared.filter((q) => !q.endsWith('.dlq'))) {
      expect(permits(permission.read, queue), `read ${queue}`).toBe(true);
    }
    expect(permits(permission.write, DEFAULT_EXCHANGE)).toBe(true);
    for (const key of footprint.publishes) {
      expect(permits(permission.write, 'loja.events')).toBe(true);
      expect(permits(topic.write, key), `publish ${key}`).toBe(true);
    }
    for (const { routingKey } of footprint.bindings)
      expect(permits(topic.read, routingKey), `bind ${routingKey}`).toBe(true);
  });

  it.each(SERVICES)("permits %s nothing of another service's", (service: Service) => {
    const permission = permissionOf(service);
    const topic = topicPermissionOf(service);
    for (const other of SERVICES.filter((s) => s !== service)) {
      const theirs = brokerFootprint(other);
      for (const queue of theirs.declares(defaultRetryDelays())) {
        expect(permits(permission.configure, queue), `configure ${queue}`).toBe(false);
        expect(permits(permission.read, queue), `read ${queue}`).toBe(false);
        expect(permits(permission.write, queue), `write ${queue}`).toBe(false);
      }
      for (const key of theirs.publishes) expect(permits(topic.write, key), `publish ${key}`).toBe(false);
    }
    for (const name of [`${service}.anything`, `${service}-scratch`, 'amq.gen-x', 'amq.topic', '']) {
      expect(permits(permission.configure, name), `configure ${name}`).toBe(false);
    }
    if (brokerFootprint(service).publishes.length === 0) expect(permits(permission.write, 'loja.events')).toBe(false);
  });

  it('renders password hashes from the environment and refuses to render without them', () => {
    const passwords = Object.fromEntries(template.users.map((u) => [u.password_env, `pw-${u.name}-é:@/`]));
    const { status, definitions, stderr } = renderDefinitions(root, passwords);
    expect(status, stderr).toBe(0);
    const rendered = JSON.stringify(definitions);
    for (const password of Object.values(passwords)) expect(rendered.includes(password)).toBe(false);
    expect(rendered).not.toContain('password_env');
    for (const user of definitions!.users) {
      expect(user.hashing_algorithm).toBe('rabbit_password_hashing_sha256');
      expect(Buffer.from(user.password_hash, 'base64')).toHaveLength(4 + 32);
    }
    expect({ ...definitions, users: [] }).toEqual({ ...template, users: [] });

    const { RABBITMQ_ORDERS_PASSWORD: _dropped, ...withoutOrders } = passwords;
    const failed = renderDefinitions(root, withoutOrders);
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('RABBITMQ_ORDERS_PASSWORD');
  });
});
