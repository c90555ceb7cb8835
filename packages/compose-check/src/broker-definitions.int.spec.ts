import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_EXCHANGE } from '@loja/contracts';
import { declareStoreTopology } from '@loja/messaging';
import { TestNamespace } from '@loja/messaging/testing';
import {
  brokerFootprint,
  consumerQueueArguments,
  deadLetterQueue,
  deadLetterQueueArguments,
} from './broker-definitions';
import { amqpUrlFor, loadDefinitions, type LoadedUsers } from './rendered-definitions';
import { repoRoot, SERVICES, type Service } from './repo';

/**
 * The broker definitions of `docker compose up`, rendered by the same script as in compose and
 * loaded into a live RabbitMQ: the topology matches what the services declare, and each service's
 * user can do exactly what its service does, and nothing of another service's.
 */

const root = repoRoot();
let ns: TestNamespace;
let reference: TestNamespace;
let users: LoadedUsers;
const connections: ChannelModel[] = [];

// What messaging declares beside each consumer queue (retry queue of one delay, as an example).
const retryArguments = (queue: string) => ({
  'x-queue-type': 'quorum',
  'x-message-ttl': 1000,
  'x-dead-letter-exchange': '',
  'x-dead-letter-routing-key': queue,
  'x-dead-letter-strategy': 'at-least-once',
  'x-overflow': 'reject-publish',
});

async function connectAs(user: string): Promise<ChannelModel> {
  const { user: name, password } = users.credentials.get(user)!;
  const connection = await amqp.connect(amqpUrlFor(ns.rabbitmqUrl, ns.name, name, password));
  connection.on('error', () => undefined);
  connections.push(connection);
  return connection;
}

/** Runs `work` on a fresh channel and returns the broker's refusal (the channel's close reason). */
async function refusal(connection: ChannelModel, work: (channel: ConfirmChannel) => Promise<unknown>): Promise<string> {
  const channel = await connection.createConfirmChannel();
  let reason = '';
  channel.on('error', (error: Error) => (reason = error.message));
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  try {
    await work(channel);
    await channel.waitForConfirms();
  } catch (error) {
    reason ||= (error as Error).message;
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  if (!reason) await channel.close();
  return reason;
}

const publish = (channel: ConfirmChannel, exchange: string, routingKey: string) =>
  new Promise<void>((resolve, reject) =>
    channel.publish(exchange, routingKey, Buffer.from('{}'), { persistent: true }, (error) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
    ),
  );

type QueueInfo = { name: string; durable: boolean; type?: string; arguments: Record<string, unknown> };
type BindingInfo = { source: string; destination: string; routing_key: string };

async function topologyOf(namespace: TestNamespace) {
  const v = encodeURIComponent(namespace.name);
  const queues = await namespace.management.request<QueueInfo[]>('GET', `/queues/${v}`);
  const bindings = await namespace.management.request<BindingInfo[]>('GET', `/bindings/${v}`);
  const exchange = await namespace.management.request<{ type: string; durable: boolean }>(
    'GET',
    `/exchanges/${v}/${encodeURIComponent(EVENTS_EXCHANGE)}`,
  );
  return {
    queues: queues
      .map((q) => ({ name: q.name, durable: q.durable, arguments: q.arguments }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    bindings: bindings
      .filter((b) => b.source === EVENTS_EXCHANGE)
      .map((b) => `${b.destination} <- ${b.routing_key}`)
      .sort(),
    exchange: { type: exchange.type, durable: exchange.durable },
  };
}

beforeAll(async () => {
  ns = await TestNamespace.create('compose_broker');
  reference = await TestNamespace.create('compose_broker_ref');
  users = await loadDefinitions(root, ns.management, ns.name);
  await declareStoreTopology(reference.rabbitmqUrl);
});

afterAll(async () => {
  for (const connection of connections) await connection.close().catch(() => undefined);
  await users?.remove();
  await ns?.dispose();
  await reference?.dispose();
});

describe('broker definitions (infra/rabbitmq) on a live RabbitMQ', () => {
  it('pre-declares exactly the exchange, queues, arguments and bindings the services declare', async () => {
    const [loaded, declared] = await Promise.all([topologyOf(ns), topologyOf(reference)]);
    expect(loaded).toEqual(declared);
    expect(loaded.queues.length).toBeGreaterThan(0);
  });

  it('logs every user in with the password hash rendered from the environment', async () => {
    for (const user of users.credentials.keys()) {
      const connection = await connectAs(user);
      expect(connection.connection.serverProperties.product).toBe('RabbitMQ');
    }
  });

  it.each(SERVICES)('lets %s declare, bind, consume and publish what its service does', async (service: Service) => {
    const footprint = brokerFootprint(service);
    const connection = await connectAs(service);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    for (const queue of footprint.consumes) {
      await channel.assertQueue(queue, { durable: true, arguments: consumerQueueArguments(queue) });
      await channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: deadLetterQueueArguments() });
      await channel.assertQueue(`${queue}.retry.1000ms`, { durable: true, arguments: retryArguments(queue) });
    }
    for (const { queue, routingKey } of footprint.bindings) await channel.bindQueue(queue, EVENTS_EXCHANGE, routingKey);
    for (const queue of footprint.consumes) {
      const { consumerTag } = await channel.consume(queue, () => undefined);
      await channel.cancel(consumerTag);
      // Retry and dead-letter copies go straight to the queue through the default exchange.
      await publish(channel, '', `${queue}.retry.1000ms`);
      await publish(channel, '', deadLetterQueue(queue));
    }
    for (const routingKey of footprint.publishes) await publish(channel, EVENTS_EXCHANGE, routingKey);
    await channel.close();
  });

  it('refuses a service what belongs to another one', async () => {
    const orders = await connectAs('orders');
    expect(await refusal(orders, (ch) => ch.consume('inventory.reserve-stock', () => undefined))).toMatch(
      /ACCESS_REFUSED/,
    );
    expect(await refusal(orders, (ch) => ch.assertQueue('inventory.reserve-stock.dlq', { durable: true }))).toMatch(
      /ACCESS_REFUSED/,
    );
    expect(await refusal(orders, (ch) => ch.assertQueue('orders-scratch', { durable: false }))).toMatch(
      /ACCESS_REFUSED/,
    );
    // A routing key of another service's event: refused by the topic permissions.
    expect(await refusal(orders, (ch) => publish(ch, EVENTS_EXCHANGE, 'pagamento.aprovado'))).toMatch(/ACCESS_REFUSED/);
    const notifications = await connectAs('notifications');
    expect(await refusal(notifications, (ch) => publish(ch, EVENTS_EXCHANGE, 'pedido.criado'))).toMatch(
      /ACCESS_REFUSED/,
    );
    expect(
      await refusal(notifications, (ch) => ch.bindQueue('notifications.email-customer', EVENTS_EXCHANGE, '#')),
    ).toMatch(/ACCESS_REFUSED/);
  });

  it('gives the admin user the management UI', async () => {
    const { user, password } = users.credentials.get('admin')!;
    const url = new URL(ns.settings.rabbitmqManagementUrl);
    url.username = '';
    url.password = '';
    const response = await fetch(new URL('/api/whoami', url), {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('administrator');
  });
});
