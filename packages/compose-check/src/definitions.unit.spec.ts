import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_EVENTS, CONSUMER_QUEUES } from '@loja/contracts';
import { allRetryDelaysMs, messagingOptionsFromEnv } from '@loja/messaging';
import {
  ADMIN_USER,
  brokerFootprint,
  DEFAULT_EXCHANGE,
  EXCHANGES,
  PUBLISHED_EVENTS,
  QUEUE_MAX_LENGTH,
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
/** A user's topic permission on one exchange; a missing one would let it use any routing key there. */
const topicPermissionOf = (user: string, exchange: string) =>
  template.topic_permissions.find((p) => p.user === user && p.exchange === exchange)!;

/** The retry delays messaging uses with its default settings (one shared delay queue per delay). */
const defaultRetryDelays = () =>
  allRetryDelaysMs(messagingOptionsFromEnv({ service: 'orders' }, { DATABASE_URL: 'postgresql://x' }).retry);
/** Delays another retry policy could use: a service declares the delay queues of its own policy. */
const anyRetryDelays = () => [...defaultRetryDelays(), 1, 100, 3_600_000];

describe('RabbitMQ definitions template', () => {
  it('is what the contracts generate (npm run definitions -w @loja/compose-check rewrites it)', () => {
    expect(template).toEqual(JSON.parse(renderDefinitionsTemplate()));
  });

  it('has one user per service and an administrator, and no guest', () => {
    expect(template.users.map((u) => u.name).sort()).toEqual([ADMIN_USER, ...SERVICES].sort());
    expect(template.users.find((u) => u.name === ADMIN_USER)!.tags).toEqual(['administrator']);
    // Only Orders (the flow page) reads the management API, and only what its own vhost shows.
    for (const service of SERVICES) {
      expect(template.users.find((u) => u.name === service)!.tags).toEqual(service === 'orders' ? ['management'] : []);
    }
    expect(JSON.stringify(template)).not.toMatch(/guest/);
    expect(template.vhosts.map((v) => v.name)).toEqual([VHOST]);
    expect(template.users.every((u) => /^RABBITMQ_[A-Z]+_PASSWORD$/.test(u.password_env))).toBe(true);
  });

  it('declares every consumer queue of the contracts as quorum and bounded, with its DLQ and bindings', () => {
    for (const [queue, events] of Object.entries(CONSUMER_QUEUES)) {
      const declared = template.queues.find((q) => q.name === queue);
      expect(declared?.arguments['x-queue-type'], queue).toBe('quorum');
      expect(declared?.arguments['x-dead-letter-routing-key']).toBe(`${queue}.dlq`);
      expect(declared?.arguments).toMatchObject({ 'x-max-length': QUEUE_MAX_LENGTH, 'x-overflow': 'reject-publish' });
      const dlq = template.queues.find((q) => q.name === `${queue}.dlq`);
      expect(dlq?.arguments['x-queue-type']).toBe('quorum');
      expect(dlq?.arguments).not.toHaveProperty('x-max-length');
      const keys = template.bindings
        .filter((b) => b.destination === queue && b.source === 'loja.events')
        .map((b) => b.routing_key);
      const expected = events.map((type) => ALL_EVENTS.find((e) => e.type === type)!.routingKey);
      expect(keys.sort()).toEqual([...new Set(expected)].sort());
      const requeue = template.bindings.filter((b) => b.destination === queue && b.source === 'loja.requeue');
      expect(requeue.map((b) => b.routing_key)).toEqual([`*.${queue}`]);
    }
    expect(template.exchanges.map((e) => [e.name, e.type, e.durable])).toEqual([
      ['loja.events', 'topic', true],
      ['loja.requeue', 'topic', true],
      ['loja.retry', 'topic', true],
    ]);
  });

  it('declares one shared delay queue per delay of the default retry policy, and no retry queue per queue', () => {
    const delayQueues = template.queues.filter((q) => q.name.startsWith('loja.retry.'));
    expect(delayQueues.map((q) => q.name)).toEqual(defaultRetryDelays().map((d) => `loja.retry.${d}ms`));
    for (const [i, delay] of defaultRetryDelays().entries()) {
      expect(delayQueues[i]!.arguments).toEqual({
        'x-queue-type': 'quorum',
        'x-message-ttl': delay,
        'x-dead-letter-exchange': 'loja.requeue',
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      });
      const bindings = template.bindings.filter((b) => b.destination === `loja.retry.${delay}ms`);
      expect(bindings.map((b) => `${b.source} ${b.routing_key}`)).toEqual([`loja.retry ${delay}ms.#`]);
    }
    expect(template.queues.filter((q) => /\.retry\./.test(q.name) && !q.name.startsWith('loja.'))).toEqual([]);
    const perQueue = Object.keys(CONSUMER_QUEUES).length * 2;
    expect(template.queues).toHaveLength(perQueue + defaultRetryDelays().length);
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
    const footprint = brokerFootprint(service);
    const declared = footprint.declares(anyRetryDelays());
    for (const queue of declared) expect(permits(permission.configure, queue), `configure ${queue}`).toBe(true);
    for (const exchange of footprint.exchanges) {
      expect(permits(permission.configure, exchange), `configure ${exchange}`).toBe(true);
      expect(permits(permission.read, exchange), `read ${exchange} (bind)`).toBe(true);
    }
    for (const queue of footprint.consumes) expect(permits(permission.read, queue), `read ${queue}`).toBe(true);
    // Binding needs write on the queue and read on the exchange, and the topic permission of its key.
    for (const { exchange, queue, routingKey } of [
      ...footprint.bindings,
      ...footprint.retryBindings(anyRetryDelays()),
    ]) {
      expect(permits(permission.write, queue), `write ${queue} (bind)`).toBe(true);
      expect(permits(permission.read, exchange), `read ${exchange} (bind)`).toBe(true);
      expect(permits(topicPermissionOf(service, exchange).read, routingKey), `bind ${exchange} ${routingKey}`).toBe(
        true,
      );
    }
    // Declaring a queue with a dead-letter exchange needs read on it and write on that exchange.
    for (const queue of declared.filter((q) => !q.endsWith('.dlq'))) {
      expect(permits(permission.read, queue), `read ${queue}`).toBe(true);
    }
    expect(permits(permission.write, DEFAULT_EXCHANGE)).toBe(true);
    expect(permits(permission.write, 'loja.requeue'), 'write loja.requeue (dead-letter exchange)').toBe(true);
    for (const key of footprint.publishes) {
      expect(permits(permission.write, 'loja.events')).toBe(true);
      expect(permits(topicPermissionOf(service, 'loja.events').write, key), `publish ${key}`).toBe(true);
    }
    for (const key of footprint.retries(anyRetryDelays())) {
      expect(permits(permission.write, 'loja.retry')).toBe(true);
      expect(permits(topicPermissionOf(service, 'loja.retry').write, key), `retry ${key}`).toBe(true);
    }
  });

  it.each(SERVICES)("permits %s nothing of another service's", (service: Service) => {
    const permission = permissionOf(service);
    const topic = (exchange: string) => topicPermissionOf(service, exchange);
    for (const other of SERVICES.filter((s) => s !== service)) {
      const theirs = brokerFootprint(other);
      for (const queue of theirs.ownQueues) {
        expect(permits(permission.configure, queue), `configure ${queue}`).toBe(false);
        expect(permits(permission.read, queue), `read ${queue}`).toBe(false);
        expect(permits(permission.write, queue), `write ${queue}`).toBe(false);
      }
      for (const key of theirs.publishes)
        expect(permits(topic('loja.events').write, key), `publish ${key}`).toBe(false);
      for (const key of theirs.retries(anyRetryDelays())) {
        expect(permits(topic('loja.retry').write, key), `retry ${key}`).toBe(false);
      }
      for (const { exchange, routingKey } of theirs.bindings.filter((b) => b.exchange === 'loja.requeue')) {
        expect(permits(topic(exchange).read, routingKey), `bind ${exchange} ${routingKey}`).toBe(false);
      }
    }
    for (const name of [`${service}.anything`, `${service}-scratch`, 'amq.gen-x', 'amq.topic', 'loja.retry.x', '']) {
      expect(permits(permission.configure, name), `configure ${name}`).toBe(false);
    }
    // Nobody publishes on loja.requeue (the broker dead-letters into it) or catches all retries.
    expect(permits(topic('loja.requeue').write, '250ms.anything')).toBe(false);
    for (const key of ['#', '*.#', '250ms.#', `*.${service}.#`]) {
      expect(permits(topic('loja.requeue').read, key), `bind loja.requeue ${key}`).toBe(false);
    }
    expect(permits(topic('loja.retry').write, '250ms.#')).toBe(false);
    if (brokerFootprint(service).publishes.length === 0) expect(permits(permission.write, 'loja.events')).toBe(false);
  });

  it('gives every service user a topic permission on each exchange it uses', () => {
    for (const service of SERVICES) {
      expect(template.topic_permissions.filter((p) => p.user === service).map((p) => p.exchange)).toEqual(EXCHANGES);
    }
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
