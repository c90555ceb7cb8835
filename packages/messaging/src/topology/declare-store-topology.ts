import amqp from 'amqplib';
import { CONSUMER_QUEUES, EVENTS_EXCHANGE, routingKeysOf, type ConsumerQueueName } from '@loja/contracts';
import { DEFAULT_QUEUE_MAX_LENGTH, consumerQueueArguments, deadLetterQueueArguments } from './queue-arguments';
import { deadLetterQueueName } from './queue-names';

export interface StoreTopologyOptions {
  /** The events exchange; default `loja.events` (EVENTS_EXCHANGE). */
  exchange?: string;
  /** MESSAGING_DELIVERY_LIMIT of the services; default 20. */
  deliveryLimit?: number;
  /** MESSAGING_QUEUE_MAX_LENGTH of the services; default 10 000. */
  maxLength?: number;
}

/**
 * Declares the events exchange and every consumer queue of the store with its bindings and DLQ,
 * exactly as the services declare them, before any service starts: an event published while its
 * consumer is still booting then waits in its queue instead of being dropped as unroutable.
 * (Retry queues depend on each service's retry settings; the services declare those themselves.)
 */
export async function declareStoreTopology(
  amqpUrl: string,
  { exchange = EVENTS_EXCHANGE, deliveryLimit = 20, maxLength = DEFAULT_QUEUE_MAX_LENGTH }: StoreTopologyOptions = {},
): Promise<string[]> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    // A refused declaration (PRECONDITION_FAILED) rejects the call that made it; the channel's own
    // error event carries the same error and must not crash the process as well.
    channel.on('error', () => undefined);
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const queues = Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[];
    for (const queue of queues) {
      await channel.assertQueue(queue, {
        durable: true,
        arguments: consumerQueueArguments(queue, deliveryLimit, { maxLength }),
      });
      for (const key of routingKeysOf(queue)) await channel.bindQueue(queue, exchange, key);
      await channel.assertQueue(deadLetterQueueName(queue), { durable: true, arguments: deadLetterQueueArguments() });
    }
    await channel.close();
    return queues;
  } finally {
    await connection.close();
  }
}
