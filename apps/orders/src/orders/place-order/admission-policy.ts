/**
 * Whether Orders takes a new order, from how far behind it is: orders it is still placing, its outbox,
 * and the orders it accepted that are not final yet. An order accepted is a promise to carry it to a
 * final state; when the events already written cannot leave fast enough (the broker refuses them
 * because a consumer's queue is full), or the saga downstream cannot keep up with the orders already
 * in it, taking more only makes every order later. Refusing with 503 and Retry-After lets the store
 * keep completing at its capacity while the client waits.
 */
export interface AdmissionLimits {
  /** Orders being placed at once (waiting for their transaction) above which new ones are refused. */
  maxPlacementsInFlight: number;
  /** Unpublished events above which new orders are refused. */
  maxOutboxBacklog: number;
  /** Age of the oldest unpublished event above which new orders are refused. */
  maxOutboxAgeMs: number;
  /** Accepted orders not final yet at or above which new orders are refused. */
  maxOrdersInFlight: number;
}

export interface LagReading {
  /** Orders being placed right now. */
  placementsInFlight: number;
  /** Unpublished events in the outbox, and the age of the oldest. */
  backlog: number;
  oldestAgeMs: number;
  /** Orders accepted and not final yet (PENDING, STOCK_RESERVED, PAID, IN_PREPARATION). */
  ordersInFlight: number;
}

export type AdmissionDecision = { accept: true } | { accept: false; reason: string; retryAfterSeconds: number };

export function decideAdmission(lag: LagReading, limits: AdmissionLimits): AdmissionDecision {
  if (lag.placementsInFlight >= limits.maxPlacementsInFlight) {
    return {
      accept: false,
      reason: `${lag.placementsInFlight} orders are being placed already (limit ${limits.maxPlacementsInFlight})`,
      retryAfterSeconds: 1,
    };
  }
  // Try again once about the current lag has had time to clear; never sooner than 1 s.
  const retryAfterSeconds = Math.min(30, Math.max(1, Math.ceil(lag.oldestAgeMs / 1000)));
  if (lag.oldestAgeMs > limits.maxOutboxAgeMs) {
    return {
      accept: false,
      reason: `the oldest unpublished event is ${lag.oldestAgeMs} ms old (limit ${limits.maxOutboxAgeMs} ms)`,
      retryAfterSeconds,
    };
  }
  if (lag.backlog > limits.maxOutboxBacklog) {
    return {
      accept: false,
      reason: `${lag.backlog} events wait to be published (limit ${limits.maxOutboxBacklog})`,
      retryAfterSeconds,
    };
  }
  if (lag.ordersInFlight >= limits.maxOrdersInFlight) {
    return {
      accept: false,
      reason: `${lag.ordersInFlight} accepted orders are not final yet (limit ${limits.maxOrdersInFlight})`,
      // The saga clears its backlog in about a second or two at capacity.
      retryAfterSeconds: Math.max(retryAfterSeconds, 2),
    };
  }
  return { accept: true };
}
