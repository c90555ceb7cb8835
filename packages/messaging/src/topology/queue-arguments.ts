import { REQUEUE_EXCHANGE, deadLetterQueueName } from './queue-names';

/**
 * Messages a consumer queue holds by default before the broker refuses more (MESSAGING_QUEUE_MAX_LENGTH):
 * about ten seconds of a consumer's work at the store's capacity. Back-pressure must start while the
 * backlog is still seconds, not minutes: a refused publish stays in its producer's outbox, and Orders
 * refuses new orders while its outbox lags.
 */
export const DEFAULT_QUEUE_MAX_LENGTH = 1000;

export interface ConsumerQueueLimits {
  /** Messages the queue holds at most; past it the broker nacks publishes to it. Default 1000. */
  maxLength?: number;
}

/**
 * Queue declarations, all quorum (replicated, durable; classic mirrored queues are gone in RabbitMQ 4).
 * The broker refuses a re-declare with other arguments (PRECONDITION_FAILED): whatever declares a
 * queue (the store launcher, compose's definitions, the services) must use the same values.
 */
export function consumerQueueArguments(
  queue: string,
  deliveryLimit: number,
  { maxLength = DEFAULT_QUEUE_MAX_LENGTH }: ConsumerQueueLimits = {},
): Record<string, unknown> {
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new Error(`a queue's maximum length is a positive whole number, got ${maxLength}`);
  }
  return {
    'x-queue-type': 'quorum',
    // Safety net for a message that crashes its consumer again and again: after this many deliveries
    // the broker moves it to the DLQ (through the default exchange) instead of redelivering it for ever.
    'x-delivery-limit': deliveryLimit,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': deadLetterQueueName(queue),
    // Bounded: when a consumer falls behind, publishes to its queue are nacked instead of filling the
    // broker's memory and disk. The outbox relay keeps such an event and publishes it again later; a
    // retry copy waits in its delay queue (at-least-once dead-lettering) until there is room.
    'x-max-length': maxLength,
    'x-overflow': 'reject-publish',
  };
}

/**
 * The delay queue `loja.retry.<delay>ms`. Every message in it has the same TTL, so the one at its head
 * always expires first and none waits behind a longer one. Dead-lettering keeps the message's routing
 * key (`<delay>ms.<queue>`: no `x-dead-letter-routing-key`), which `loja.requeue` routes back to its queue.
 */
export function retryQueueArguments(delay: number): Record<string, unknown> {
  if (!Number.isInteger(delay) || delay < 0) {
    throw new Error(`a retry delay is a whole number of milliseconds, got ${delay}`);
  }
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delay,
    'x-dead-letter-exchange': REQUEUE_EXCHANGE,
    // The broker keeps the message until its queue has confirmed it: not lost when that queue is full,
    // not bound yet, or on a node that is failing over. Needs reject-publish.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export function deadLetterQueueArguments(): Record<string, unknown> {
  // Operators read a DLQ by getting and returning its messages; RabbitMQ 4 counts those as deliveries
  // against a default limit of 20, and a DLQ has nowhere further to send them: keep them regardless.
  // No length limit: the last stop of a message must never refuse it.
  return { 'x-queue-type': 'quorum', 'x-delivery-limit': 1_000_000 };
}
