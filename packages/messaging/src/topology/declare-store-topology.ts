import amqp from 'amqplib';
import { CONSUMER_QUEUES, EVENTS_EXCHANGE, routingKeysOf, type ConsumerQueueName } from '@loja/contracts';
import { bindConsumerQueueForRetries } from './bind-consumer-queue-for-retries';
import { declareRetryTopology } from './declare-retry-topology';
import { defaultRetryDelaysMs } from './default-retry-policy';
import { DEFAULT_QUEUE_MAX_LENGTH, consumerQueueArguments, deadLetterQueueArguments } from './queue-arguments';
import { deadLetterQueueName } from './queue-names';

export interface StoreTopologyOptions {
  /** The events exchange; default `loja.events` (EVENTS_EXCHANGE). */
  exchange?: string;
  /** MESSAGING_DELIVERY_LIMIT of the services; default 20. */
  deliveryLimit?: number;
  /** MESSAGING_QUEUE_MAX_LENGTH of the services; default 1000. */
  maxLength?: number;
  /** Delay queues to declare; default those of the default retry policy (250 ms … 64 s). */
  retryDelaysMs?: readonly number[];
}

/**
 * Declares the events exchange and every consumer queue of the store with its bindings and DLQ, and
 * the shared retry topology, exactly as the services declare them, before any service starts: an event
 * published while its consumer is still booting then waits in its queue instead of being dropped as
 * unroutable. Returns the consumer queues.
 */
export async function declareStoreTopology(
  amqpUrl: string,
  {
    exchange = EVENTS_EXCHANGE,
    deliveryLimit = 20,
    maxLength = DEFAULT_QUEUE_MAX_LENGTH,
    retryDelaysMs = defaultRetryDelaysMs(),
  }: StoreTopologyOptions = {},
): Promise<string[]> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    // A refused declaration (PRECONDITION_FAILED) rejects the call that made it; the channel's own
    // error event carries the same error and must not crash the process as well.
    channel.on('error', () => undefined);
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await declareRetryTopology(channel, retryDelaysMs);
    const queues = Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[];
    for (const queue of queues) {
      await channel.assertQueue(queue, {
        durable: true,
        arguments: consumerQueueArguments(queue, deliveryLimit, { maxLength }),
      });
      for (const key of routingKeysOf(queue)) await channel.bindQueue(queue, exchange, key);
      await bindConsumerQueueForRetries(channel, queue);
      await channel.assertQueue(deadLetterQueueName(queue), { durable: true, arguments: deadLetterQueueArguments() });
    }
    await channel.close();
    return queues;
  } finally {
    await connection.close();
  }
}
