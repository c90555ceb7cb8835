/**
 * Every consumer queue `<queue>` comes with:
 * - `<queue>.retry.<delay>ms`: holds a failed message for `delay`, then the broker dead-letters it back
 *   to `<queue>` (one queue per delay, so every message in it has the same TTL and none waits behind a
 *   longer one);
 * - `<queue>.dlq`: where a message ends when it can never succeed or has used all its attempts.
 */
export const retryQueueName = (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`;
export const deadLetterQueueName = (queue: string) => `${queue}.dlq`;
export const isDeadLetterQueue = (name: string) => name.endsWith('.dlq');
export const originalQueueOfDeadLetterQueue = (dlq: string) => dlq.slice(0, -'.dlq'.length);
