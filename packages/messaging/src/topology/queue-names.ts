/**
 * Every consumer queue `<queue>` has a DLQ, `<queue>.dlq`: where a message ends when it can never
 * succeed or has used all its attempts.
 *
 * Retries go through a topology shared by every consumer queue of the vhost:
 * - `loja.retry` (topic): a failed message is republished here with routing key `<delay>ms.<queue>`;
 * - `loja.retry.<delay>ms`: one quorum queue per delay, bound to `loja.retry` by `<delay>ms.#`; it holds
 *   the message for `delay`, then the broker dead-letters it to `loja.requeue`, routing key unchanged;
 * - `loja.requeue` (topic): each consumer queue `<queue>` is bound to it by `*.<queue>`, so the message
 *   goes back to the queue it failed in, and to no other.
 * `*` is exactly one word, the delay: a queue name with dots (`inventory.reserve-stock`) matches only its
 * own keys (`250ms.inventory.reserve-stock`), never another queue's.
 */
export const RETRY_EXCHANGE = 'loja.retry';
export const REQUEUE_EXCHANGE = 'loja.requeue';

/** The delay queue `loja.retry.<delay>ms`, shared by every consumer queue. */
export const retryQueueName = (delayMs: number) => `${RETRY_EXCHANGE}.${delayMs}ms`;

/** Routing key of a retry copy on `loja.retry`: its delay, then the queue it goes back to. */
export const retryRoutingKey = (queue: string, delayMs: number) => `${delayMs}ms.${queue}`;

/** Binds `loja.retry.<delay>ms` to `loja.retry`: every copy of that delay, whatever its queue. */
export const retryQueueBindingKey = (delayMs: number) => `${delayMs}ms.#`;

/** Binds a consumer queue to `loja.requeue`: its own copies, whatever their delay. */
export const requeueBindingKey = (queue: string) => `*.${queue}`;

export const deadLetterQueueName = (queue: string) => `${queue}.dlq`;
export const isDeadLetterQueue = (name: string) => name.endsWith('.dlq');
export const originalQueueOfDeadLetterQueue = (dlq: string) => dlq.slice(0, -'.dlq'.length);
