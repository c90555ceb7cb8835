/** Headers Loja adds to messages; the DLQ tool reads them. */
export const Headers = {
  /** Delivery number of this copy of the message, starting at 1 (absent on the first delivery). */
  attempt: 'x-loja-attempt',
  deadLetter: {
    queue: 'x-loja-dead-letter-queue',
    reason: 'x-loja-dead-letter-reason',
    error: 'x-loja-dead-letter-error',
    attempts: 'x-loja-dead-letter-attempts',
    at: 'x-loja-dead-lettered-at',
    exchange: 'x-loja-original-exchange',
    routingKey: 'x-loja-original-routing-key',
  },
  traceparent: 'traceparent',
  /** The envelope's version, so a consumer can tell versions apart without parsing the body. */
  eventVersion: 'x-loja-event-version',
} as const;

/**
 * Why a message was dead-lettered: it is not an event (`invalid-json`, `invalid-envelope`,
 * `unknown-type`, `schema-violation`), this queue has no handler for its type (`unexpected-type`),
 * its handler said it can never succeed (`permanent-error`), or it failed on every attempt
 * (`retries-exhausted`).
 */
export type DeadLetterReason =
  | 'invalid-json'
  | 'invalid-envelope'
  | 'unknown-type'
  | 'schema-violation'
  | 'unexpected-type'
  | 'permanent-error'
  | 'retries-exhausted';
