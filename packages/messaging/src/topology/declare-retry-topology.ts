import type { Channel } from 'amqplib';
import { retryQueueArguments } from './queue-arguments';
import { REQUEUE_EXCHANGE, RETRY_EXCHANGE, retryQueueBindingKey, retryQueueName } from './queue-names';

/**
 * Declares the retry topology every consumer queue of the vhost shares (see queue-names.ts): the
 * `loja.retry` and `loja.requeue` topic exchanges, and per delay the queue `loja.retry.<delay>ms` bound
 * to `loja.retry`. Idempotent; the store launcher runs it before any service starts, and a consumer
 * runs it on every (re)connect for the delays of its retry policy. A retry published with a delay that
 * has no queue here is unroutable: declare every delay the policy can produce.
 */
export async function declareRetryTopology(channel: Channel, delaysMs: readonly number[]): Promise<void> {
  await channel.assertExchange(RETRY_EXCHANGE, 'topic', { durable: true });
  await channel.assertExchange(REQUEUE_EXCHANGE, 'topic', { durable: true });
  for (const delayMs of new Set(delaysMs)) {
    const queue = retryQueueName(delayMs);
    await channel.assertQueue(queue, { durable: true, arguments: retryQueueArguments(delayMs) });
    await channel.bindQueue(queue, RETRY_EXCHANGE, retryQueueBindingKey(delayMs));
  }
}
