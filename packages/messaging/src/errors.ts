/**
 * Thrown by a handler when the event can never be handled, however often it is retried (a broken
 * invariant, data that contradicts what the service knows). The message goes straight to the DLQ.
 * Any other error is treated as transient and retried with backoff.
 */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}
