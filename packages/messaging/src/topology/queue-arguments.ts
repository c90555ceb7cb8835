import { deadLetterQueueName } from './queue-names';

/**
 * Queue declarations, all quorum (replicated, durable; classic mirrored queues are gone in RabbitMQ 4).
 * Dead-lettering goes through the default exchange, straight to the named queue.
 */
export function consumerQueueArguments(queue: string, deliveryLimit: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    // Safety net for a message that crashes its consumer again and again: after this many deliveries
    // the broker moves it to the DLQ instead of redelivering it for ever.
    'x-delivery-limit': deliveryLimit,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': deadLetterQueueName(queue),
  };
}

export function retryQueueArguments(queue: string, delayMs: number): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-message-ttl': delayMs,
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
    // The message goes back to its queue even if the broker fails over in between.
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  };
}

export function deadLetterQueueArguments(): Record<string, unknown> {
  // Operators read a DLQ by getting and returning its messages; RabbitMQ 4 counts those as deliveries
  // against a default limit of 20, and a DLQ has nowhere further to send them: keep them regardless.
  return { 'x-queue-type': 'quorum', 'x-delivery-limit': 1_000_000 };
}
