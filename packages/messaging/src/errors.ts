/**
 * What a handler throws says what failure routing (consume/failure-routing.ts) does with the message:
 *
 * - PermanentEventError: retrying can never help; the message goes straight to the DLQ.
 * - EventArrivedEarlyError, DependencyUnavailableError: expected, transient failures, retried with
 *   backoff (then the DLQ once MESSAGING_RETRY_ATTEMPTS are used).
 * - anything else (a lost database connection, a bug): treated as transient too, and retried the same
 *   way; the two named types only say so on purpose, in the handler's code and in the logs.
 */

/** The event can never be handled (a broken invariant, data that contradicts what the service knows). */
export class PermanentEventError extends Error {
  override readonly name = 'PermanentEventError';
}

/**
 * The event needs what an earlier event of the same order brings, and that one has not been handled
 * yet (events of different queues arrive in any order: EstoqueReservado may come before the
 * PedidoCriado that carries the card token). A retry after a backoff finds it.
 */
export class EventArrivedEarlyError extends Error {
  override readonly name = 'EventArrivedEarlyError';
}

/**
 * A system the handler calls outside the database (a payment gateway) did not answer: nothing was
 * done there, and a later attempt may succeed.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
}
