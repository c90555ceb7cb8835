import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerProbe } from './broker-probe';
import { TestNamespace } from './test-namespace';

describe('BrokerProbe.publish against a full bounded queue', () => {
  let ns: TestNamespace;
  let connection: ChannelModel;
  let probe: BrokerProbe;

  beforeAll(async () => {
    ns = await TestNamespace.create('broker_probe');
    connection = await amqp.connect(ns.rabbitmqUrl);
    const channel = await connection.createChannel();
    await channel.assertQueue('full', {
      durable: true,
      arguments: { 'x-queue-type': 'quorum', 'x-max-length': 1, 'x-overflow': 'reject-publish' },
    });
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
  });

  afterAll(async () => {
    await probe?.close();
    await connection?.close().catch(() => undefined);
    await ns?.dispose();
  });

  it('gives up with a clear error when the queue stays full', async () => {
    // how many the broker takes past its bound is its own business: publish until it refuses
    let accepted = 0;
    await expect(
      (async () => {
        for (; accepted < 10; accepted++) await probe.publish('', 'full', `m${accepted}`, {}, { nackedForMs: 300 });
      })(),
    ).rejects.toThrow('the broker nacked a publish to full');
    expect(accepted).toBeGreaterThanOrEqual(1);
    expect(await probe.messageCount('full')).toBe(accepted);
  });

  it('publishes again until the queue has room, and the message is there once', async () => {
    const published = probe.publish('', 'full', 'late', {}, { nackedForMs: 10_000 });
    const consumer = await connection.createChannel();
    const drained: string[] = [];
    for (
      let message = await consumer.get('full', { noAck: true });
      message;
      message = await consumer.get('full', { noAck: true })
    ) {
      drained.push(message.content.toString());
    }
    expect(drained[0]).toBe('m0');
    await published;

    const rest = (await probe.peek('full')).map((m) => m.content.toString());
    expect([...drained, ...rest].filter((body) => body === 'late')).toEqual(['late']);
    await consumer.close();
  });
});
