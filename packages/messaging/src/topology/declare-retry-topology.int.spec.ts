import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNamespace } from '../testing';
import { declareRetryTopology } from './declare-retry-topology';
import { retryQueueArguments } from './queue-arguments';
import { REQUEUE_EXCHANGE, RETRY_EXCHANGE, retryQueueName, retryRoutingKey } from './queue-names';

type QueueInfo = { name: string; durable: boolean; arguments: Record<string, unknown> };
type ExchangeInfo = { name: string; type: string; durable: boolean };
type BindingInfo = { source: string; destination: string; routing_key: string };

describe('declareRetryTopology on a live RabbitMQ', () => {
  let ns: TestNamespace;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  const get = <T>(path: string) => ns.management.request<T>('GET', `${path}/${encodeURIComponent(ns.name)}`);

  beforeAll(async () => {
    ns = await TestNamespace.create('retry_topology');
    connection = await amqp.connect(ns.rabbitmqUrl);
    channel = await connection.createConfirmChannel();
  });

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await ns?.dispose();
  });

  it('declares both exchanges and one bound quorum queue per distinct delay, idempotently', async () => {
    await declareRetryTopology(channel, [250, 1000, 1000]);
    await declareRetryTopology(channel, [250, 1000]);

    const exchanges = await get<ExchangeInfo[]>('/exchanges');
    for (const name of [RETRY_EXCHANGE, REQUEUE_EXCHANGE]) {
      expect(
        exchanges.find((e) => e.name === name),
        name,
      ).toMatchObject({ type: 'topic', durable: true });
    }
    const queues = await get<Array<QueueInfo & { type: string }>>('/queues');
    expect(queues.map((q) => q.name).sort()).toEqual(['loja.retry.1000ms', 'loja.retry.250ms']);
    for (const delay of [250, 1000]) {
      const queue = queues.find((q) => q.name === retryQueueName(delay))!;
      expect(queue).toMatchObject({ durable: true, type: 'quorum', arguments: retryQueueArguments(delay) });
    }
    const bindings = (await get<BindingInfo[]>('/bindings')).filter((b) => b.source === RETRY_EXCHANGE);
    expect(bindings.map((b) => `${b.destination} <- ${b.routing_key}`).sort()).toEqual([
      'loja.retry.1000ms <- 1000ms.#',
      'loja.retry.250ms <- 250ms.#',
    ]);
  });

  it('leaves a copy with a delay it did not declare unroutable (a mandatory publish comes back)', async () => {
    await declareRetryTopology(channel, [250]);
    const returned = new Promise<string>((resolve) => channel.once('return', (m) => resolve(m.fields.routingKey)));
    channel.publish(RETRY_EXCHANGE, retryRoutingKey('inventory.reserve-stock', 777), Buffer.from('{}'), {
      mandatory: true,
    });
    await channel.waitForConfirms();
    expect(await returned).toBe('777ms.inventory.reserve-stock');
  });
});
