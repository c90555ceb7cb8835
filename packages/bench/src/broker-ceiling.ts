import { once } from 'node:events';
import { RabbitManagement, withVhost } from '@loja/provisioning';
import amqp from 'amqplib';
import type { BrokerCeiling } from './results';
import { MeasureWindow } from './measure-window';
import { sleep } from './sleep';

export interface BrokerCeilingOptions {
  rabbitmqUrl: string;
  managementUrl: string;
  /** A vhost of its own, created and deleted here. */
  vhost: string;
  durationS: number;
  publishers?: number;
  confirmBatch?: number;
  prefetch?: number;
  messageBytes?: number;
  log: (line: string) => void;
}

const EXCHANGE = 'bench.events';
const QUEUE = 'bench.ceiling';
/** Publishers wait while this many messages are queued: the measure is a steady state, not a fill-up. */
const MAX_BACKLOG = 5_000;

/**
 * RabbitMQ's ceiling for the store's kind of traffic: persistent ~1 KB messages published with
 * publisher confirms through a topic exchange into one quorum queue declared like the store's, and
 * consumed with manual acks. Returns messages consumed per second over the window (after a warm-up).
 */
export async function measureBrokerCeiling(o: BrokerCeilingOptions): Promise<BrokerCeiling> {
  const publishers = o.publishers ?? 2;
  const confirmBatch = o.confirmBatch ?? 50;
  const prefetch = o.prefetch ?? 50;
  const messageBytes = o.messageBytes ?? 1024;
  const management = new RabbitManagement(o.managementUrl);
  const user = decodeURIComponent(new URL(o.rabbitmqUrl).username || 'guest');
  await management.ensureVhost(o.vhost, user);
  const connections: amqp.ChannelModel[] = [];
  try {
    const url = withVhost(o.rabbitmqUrl, o.vhost);
    const open = async (name: string) => {
      const connection = await amqp.connect(url, { clientProperties: { connection_name: name } });
      connection.on('error', () => undefined);
      connections.push(connection);
      return connection;
    };

    const setup = await (await open('bench-ceiling-setup')).createChannel();
    await setup.assertExchange(EXCHANGE, 'topic', { durable: true });
    // The arguments of the store's consumer queues (see @loja/messaging's queue-arguments).
    await setup.assertQueue(QUEUE, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 20,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': `${QUEUE}.dlq`,
      },
    });
    await setup.bindQueue(QUEUE, EXCHANGE, 'bench.#');

    const measure = new MeasureWindow();
    let publishedTotal = 0;
    let consumedTotal = 0;
    let published = 0;
    let consumed = 0;

    const consumer = await (await open('bench-ceiling-consumer')).createChannel();
    await consumer.prefetch(prefetch);
    await consumer.consume(
      QUEUE,
      (message) => {
        if (!message) return;
        consumer.ack(message);
        consumedTotal++;
        if (measure.measuring) consumed++;
      },
      { noAck: false },
    );

    const payload = Buffer.from(
      JSON.stringify({ type: 'BenchMessage', pad: 'x'.repeat(Math.max(0, messageBytes - 36)) }),
    );
    const publish = async (index: number) => {
      const channel = await (await open(`bench-ceiling-publisher-${index}`)).createConfirmChannel();
      let seq = 0;
      while (!measure.stopped) {
        if (publishedTotal - consumedTotal > MAX_BACKLOG) {
          await sleep(2);
          continue;
        }
        for (let i = 0; i < confirmBatch; i++) {
          const ok = channel.publish(EXCHANGE, 'bench.ceiling', payload, {
            persistent: true,
            contentType: 'application/json',
            messageId: `${index}-${seq++}`,
            timestamp: Math.floor(Date.now() / 1000),
          });
          if (!ok) await once(channel, 'drain');
        }
        await channel.waitForConfirms();
        publishedTotal += confirmBatch;
        if (measure.measuring) published += confirmBatch;
      }
    };

    const elapsedS = await measure.run(
      o.durationS,
      Array.from({ length: publishers }, (_, i) => publish(i)),
    );

    const result: BrokerCeiling = {
      durationS: o.durationS,
      publishers,
      confirmBatch,
      prefetch,
      messageBytes: payload.length,
      queueType: 'quorum',
      published,
      consumed,
      publishedPerSec: Math.round(published / elapsedS),
      messagesPerSec: Math.round(consumed / elapsedS),
    };
    o.log(
      `  RabbitMQ: ${result.messagesPerSec} msg/s consumed, ${result.publishedPerSec} msg/s published (confirmed) over ${o.durationS} s`,
    );
    return result;
  } finally {
    for (const connection of connections.reverse()) await connection.close().catch(() => undefined);
    await management.deleteVhost(o.vhost).catch(() => undefined);
  }
}
