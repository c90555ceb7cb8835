import type { Channel } from 'amqplib';
import type { MessagingOptions } from '../messaging.options';
import { consumerQueueArguments, deadLetterQueueArguments, retryQueueArguments } from '../topology/queue-arguments';
import { deadLetterQueueName, retryQueueName } from '../topology/queue-names';
import type { ConsumerQueue } from './handler-registry';
import { allRetryDelaysMs } from './retry-policy';

/**
 * Declares what a consumer queue needs, on every (re)connect: the queue bound to the events exchange by
 * its events' routing keys, its DLQ, and the retry queues of the service's retry policy. Declaring is
 * idempotent; the store also declares the queues before any service starts (declareStoreTopology), so
 * no event is dropped while a consumer boots.
 */
export async function declareConsumerTopology(
  channel: Channel,
  queue: ConsumerQueue,
  options: Pick<MessagingOptions, 'exchange' | 'deliveryLimit' | 'retry'>,
): Promise<void> {
  await channel.assertQueue(deadLetterQueueName(queue.name), { durable: true, arguments: deadLetterQueueArguments() });
  for (const delay of allRetryDelaysMs(options.retry)) {
    await channel.assertQueue(retryQueueName(queue.name, delay), {
      durable: true,
      arguments: retryQueueArguments(queue.name, delay),
    });
  }
  await channel.assertQueue(queue.name, {
    durable: true,
    arguments: consumerQueueArguments(queue.name, options.deliveryLimit),
  });
  for (const routingKey of queue.routingKeys) await channel.bindQueue(queue.name, options.exchange, routingKey);
}
