import type { Channel } from 'amqplib';
import type { MessagingOptions } from '../messaging.options';
import { bindConsumerQueueForRetries } from '../topology/bind-consumer-queue-for-retries';
import { declareRetryTopology } from '../topology/declare-retry-topology';
import { consumerQueueArguments, deadLetterQueueArguments } from '../topology/queue-arguments';
import { deadLetterQueueName } from '../topology/queue-names';
import type { ConsumerQueue } from './handler-registry';
import { allRetryDelaysMs } from './retry-policy';

/**
 * Declares what a consumer queue needs, on every (re)connect: the shared retry topology for the
 * delays of the service's retry policy, the queue's DLQ, the queue bound to the events exchange by its
 * events' routing keys, and to the requeue exchange for its retry copies. Declaring is idempotent; the
 * store also declares all of it before any service starts (declareStoreTopology), so no event is
 * dropped while a consumer boots.
 */
export async function declareConsumerTopology(
  channel: Channel,
  queue: ConsumerQueue,
  options: Pick<MessagingOptions, 'exchange' | 'deliveryLimit' | 'retry' | 'queueMaxLength'>,
): Promise<void> {
  await declareRetryTopology(channel, allRetryDelaysMs(options.retry));
  await channel.assertQueue(deadLetterQueueName(queue.name), { durable: true, arguments: deadLetterQueueArguments() });
  await channel.assertQueue(queue.name, {
    durable: true,
    arguments: consumerQueueArguments(queue.name, options.deliveryLimit, { maxLength: options.queueMaxLength }),
  });
  for (const routingKey of queue.routingKeys) await channel.bindQueue(queue.name, options.exchange, routingKey);
  await bindConsumerQueueForRetries(channel, queue.name);
}
