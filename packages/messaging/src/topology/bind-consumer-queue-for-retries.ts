import type { Channel } from 'amqplib';
import { REQUEUE_EXCHANGE, requeueBindingKey } from './queue-names';

/**
 * Binds consumer queue `queue` to `loja.requeue` by `*.<queue>`, so its retry copies come back to it
 * (and to no other queue) once their delay is over. The queue must exist; the exchange is declared if
 * missing. Idempotent: run it on every (re)connect, after declaring the queue.
 */
export async function bindConsumerQueueForRetries(channel: Channel, queue: string): Promise<void> {
  await channel.assertExchange(REQUEUE_EXCHANGE, 'topic', { durable: true });
  await channel.bindQueue(queue, REQUEUE_EXCHANGE, requeueBindingKey(queue));
}
