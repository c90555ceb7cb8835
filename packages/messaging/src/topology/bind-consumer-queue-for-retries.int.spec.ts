import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNamespace, waitFor } from '../testing';
import { bindConsumerQueueForRetries } from './bind-consumer-queue-for-retries';
import { declareRetryTopology } from './declare-retry-topology';
import { consumerQueueArguments } from './queue-arguments';
import { RETRY_EXCHANGE, retryQueueName, retryRoutingKey } from './queue-names';

/**
 * The shared retry topology routes on the broker as designed: a copy published to `loja.retry` waits in
 * the queue of its delay and comes back to its own consumer queue only, dotted names included.
 */

// Names that contain, extend or end like one another: each must get its own copies and no other's.
const QUEUES = [
  'inventory.reserve-stock',
  'reserve-stock',
  'inventory.reserve-stock.extra',
  'orders.inventory.reserve-stock',
  'inventory.commit-stock',
];
const SHORT = 100;
const LONG = 1500;

describe('bindConsumerQueueForRetries on a live RabbitMQ', () => {
  let ns: TestNamespace;
  let connection: ChannelModel;
  let channel: ConfirmChannel;

  const publishRetry = async (queue: string, delayMs: number, body: string) => {
    channel.publish(RETRY_EXCHANGE, retryRoutingKey(queue, delayMs), Buffer.from(body), {
      persistent: true,
      messageId: body,
      headers: { 'x-loja-attempt': 2 },
    });
    await channel.waitForConfirms();
  };
  const count = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
  const takeAll = async (queue: string) => {
    const messages: GetMessage[] = [];
    for (let m = await channel.get(queue, { noAck: true }); m; m = await channel.get(queue, { noAck: true })) {
      messages.push(m);
    }
    return messages;
  };

  beforeAll(async () => {
    ns = await TestNamespace.create('retry_routing');
    connection = await amqp.connect(ns.rabbitmqUrl);
    channel = await connection.createConfirmChannel();
    await declareRetryTopology(channel, [SHORT, LONG]);
    for (const queue of QUEUES) {
      await channel.assertQueue(queue, { durable: true, arguments: consumerQueueArguments(queue, 20) });
      await bindConsumerQueueForRetries(channel, queue);
      await bindConsumerQueueForRetries(channel, queue); // on every reconnect: idempotent
    }
  });

  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await ns?.dispose();
  });

  it('brings each copy back to its own queue and no other, after its delay, with its properties', async () => {
    const sentAt = Date.now();
    for (const queue of QUEUES) await publishRetry(queue, SHORT, `for ${queue}`);

    for (const queue of QUEUES) await waitFor(`copy back in ${queue}`, async () => (await count(queue)) === 1);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(SHORT);
    for (const queue of QUEUES) {
      const [message, ...more] = await takeAll(queue);
      expect(more, queue).toHaveLength(0);
      expect(message!.content.toString()).toBe(`for ${queue}`);
      // Dead-lettering kept the routing key: loja.requeue routed by it.
      expect(message!.fields).toMatchObject({ exchange: 'loja.requeue', routingKey: `${SHORT}ms.${queue}` });
      expect(message!.properties).toMatchObject({ messageId: `for ${queue}`, deliveryMode: 2 });
      expect(message!.properties.headers).toMatchObject({ 'x-loja-attempt': 2 });
    }
    expect(await count(retryQueueName(SHORT))).toBe(0);
  });

  it('keeps the order of one delay, and never holds a short delay behind a long one', async () => {
    const queue = 'inventory.reserve-stock';
    await publishRetry(queue, LONG, 'long');
    for (const body of ['short-1', 'short-2', 'short-3']) await publishRetry(queue, SHORT, body);

    await waitFor('the three short ones', async () => (await count(queue)) === 3, { timeoutMs: LONG - 200 });
    expect((await takeAll(queue)).map((m) => m.content.toString())).toEqual(['short-1', 'short-2', 'short-3']);
    await waitFor('the long one', async () => (await count(queue)) === 1);
    expect((await takeAll(queue)).map((m) => m.content.toString())).toEqual(['long']);
  });

  it('holds back a copy while its queue is full (the broker re-sends it later, at least once)', async () => {
    const queue = 'payments.charge-order';
    await channel.assertQueue(queue, { durable: true, arguments: consumerQueueArguments(queue, 20, { maxLength: 1 }) });
    await bindConsumerQueueForRetries(channel, queue);
    // A quorum queue refuses publishes once it holds more than its length.
    const refused = async () =>
      new Promise<boolean>((resolve) =>
        channel.sendToQueue(queue, Buffer.from('filler'), {}, (error) => resolve(!!error)),
      );
    await waitFor('the queue to refuse a publish', refused);
    const held = await count(queue);

    await publishRetry(queue, SHORT, 'waiting');
    await new Promise((resolve) => setTimeout(resolve, SHORT + 1000));
    expect((await takeAll(queue)).map((m) => m.content.toString())).toEqual(Array(held).fill('filler'));
  });
});
