import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_EXCHANGE } from '@loja/contracts';
import {
  RETRY_EXCHANGE,
  bindConsumerQueueForRetries,
  declareRetryTopology,
  declareStoreTopology,
  retryRoutingKey,
} from '@loja/messaging';
import { TestNamespace } from '@loja/messaging/testing';
import {
  EXCHANGES,
  RETRY_DELAYS_MS,
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
type ExchangeInfo = { name: string; type: string; durable: boolean };

async function topologyOf(namespace: TestNamespace) {
  const v = encodeURIComponent(namespace.name);
  const queues = await namespace.management.request<QueueInfo[]>('GET', `/queues/${v}`);
  const bindings = await namespace.management.request<BindingInfo[]>('GET', `/bindings/${v}`);
  const exchanges = await namespace.management.request<ExchangeInfo[]>('GET', `/exchanges/${v}`);
  return {
    queues: queues
      .map((q) => ({ name: q.name, durable: q.durable, arguments: q.arguments }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    // The default exchange's implicit bindings (one per queue) aside.
    bindings: bindings
      .filter((b) => b.source !== '')
      .map((b) => `${b.source}: ${b.destination} <- ${b.routing_key}`)
      .sort(),
    exchanges: exchanges
      .filter((e) => !e.name.startsWith('amq.') && e.name !== '')
      .map((e) => ({ name: e.name, type: e.type, durable: e.durable }))
      .sort((a, b) => a.name.localeCompare(b.name)),
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
    expect(loaded.exchanges.map((e) => e.name)).toEqual([...EXCHANGES].sort());
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
    // What messaging does on every (re)connect, with the service's own user.
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    await declareRetryTopology(channel, RETRY_DELAYS_MS);
    for (const queue of footprint.consumes) {
      await channel.assertQueue(queue, { durable: true, arguments: consumerQueueArguments(queue) });
      await channel.assertQueue(deadLetterQueue(queue), { durable: true, arguments: deadLetterQueueArguments() });
      await bindConsumerQueueForRetries(channel, queue);
    }
    for (const { exchange, queue, routingKey } of footprint.bindings)
      await channel.bindQueue(queue, exchange, routingKey);
    for (const queue of footprint.consumes) {
      const { consumerTag } = await channel.consume(queue, () => undefined);
      await channel.cancel(consumerTag);
      // A retry copy goes to loja.retry by delay and queue; a dead-letter copy straight to the DLQ.
      await publish(channel, RETRY_EXCHANGE, retryRoutingKey(queue, RETRY_DELAYS_MS[0]!));
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
    // Retries: only its own queues' copies, only its own queues' way back.
    expect(
      await refusal(orders, (ch) => publish(ch, RETRY_EXCHANGE, retryRoutingKey('inventory.reserve-stock', 250))),
    ).toMatch(/ACCESS_REFUSED/);
    expect(await refusal(orders, (ch) => publish(ch, 'loja.requeue', '250ms.orders.track-order'))).toMatch(
      /ACCESS_REFUSED/,
    );
    for (const key of ['*.inventory.reserve-stock', '#']) {
      expect(await refusal(orders, (ch) => ch.bindQueue('orders.track-order', 'loja.requeue', key)), key).toMatch(
        /ACCESS_REFUSED/,
      );
    }
    const notifications = await connectAs('notifications');
    expect(await refusal(notifications, (ch) => publish(ch, EVENTS_EXCHANGE, 'pedido.criado'))).toMatch(
      /ACCESS_REFUSED/,
    );
    expect(
      await refusal(notifications, (ch) => ch.bindQueue('notifications.email-customer', EVENTS_EXCHANGE, '#')),
    ).toMatch(/ACCESS_REFUSED/);
  });

  /** GET on the management API as one of the loaded users. */
  async function managementGet(as: string, path: string): Promise<Response> {
    const { user, password } = users.credentials.get(as)!;
    const url = new URL(ns.settings.rabbitmqManagementUrl);
    url.username = '';
    url.password = '';
    return fetch(new URL(`/api${path}`, url), {
      headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    });
  }

  it('gives the admin user the management UI', async () => {
    const response = await managementGet('admin', '/whoami');
    expect(response.status).toBe(200);
    expect(JSON.stringify(await response.json())).toContain('administrator');
  });

  it("lets orders read its vhost's queue figures for the flow page, and no other vhost's", async () => {
    const own = await managementGet('orders', `/queues/${encodeURIComponent(ns.name)}?columns=name,messages`);
    expect(own.status).toBe(200);
    const names = ((await own.json()) as Array<{ name: string }>).map((q) => q.name);
    expect(names).toContain('payments.charge-order.dlq');
    expect((await managementGet('orders', `/queues/${encodeURIComponent(reference.name)}`)).status).not.toBe(200);
    expect((await managementGet('payments', `/queues/${encodeURIComponent(ns.name)}`)).status).toBe(401);
  });
});
