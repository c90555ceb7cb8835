/**
 * Open-loop arrival schedule: order i is due at i / rate seconds after the start, whatever happened to
 * the orders before it, so a slow store cannot slow the offered load down (no coordinated omission).
 */

/** Orders one rate phase sends: rate × duration, at least one. */
export function plannedCount(ratePerSec: number, durationSec: number): number {
  return Math.max(1, Math.round(ratePerSec * durationSec));
}

/** When order `index` (0-based) is due, in ms after the phase started. */
export function dueTimeMs(index: number, ratePerSec: number): number {
  return (index * 1000) / ratePerSec;
}

/** How many orders should have been sent `elapsedMs` after the start (the first one at 0), capped at `total`. */
export function dueCount(elapsedMs: number, ratePerSec: number, total: number): number {
  if (elapsedMs < 0) return 0;
  // The epsilon absorbs floating-point error right on a due time (e.g. 3 × 1000/3).
  return Math.min(total, Math.floor((elapsedMs * ratePerSec) / 1000 + 1e-9) + 1);
}

/** Every stride-th order is followed to its final state, so at most `maxSamples` are per phase. */
export function sampleStride(total: number, maxSamples: number): number {
  return Math.max(1, Math.ceil(total / Math.max(1, maxSamples)));
}

export function isSampled(index: number, stride: number): boolean {
  return index % stride === 0;
}

/**
 * How long to wait before polling a sampled order again: `minMs` while it is young, then a fixed
 * fraction of its age, so the latency is known to within max(minMs, fraction × latency) while a
 * backlog of slow orders cannot turn the poller into load of its own.
 */
export function pollIntervalMs(ageMs: number, { minMs = 50, fraction = 0.05, maxMs = 1000 } = {}): number {
  return Math.min(maxMs, Math.max(minMs, ageMs * fraction));
}

/**
 * Polls per second the final-state poller may make: half the offered rate, at least 20. A GET costs the
 * store far less than an order, so polling stays a small share of the load even when a backlog leaves
 * many sampled orders pending (they are then polled less often, most overdue first).
 */
export function pollBudgetPerSec(offeredRate: number): number {
  return Math.max(20, Math.round(offeredRate / 2));
}

/** The warm-up never offers more than this: a machine that measures 50/s or more can take it. */
export const MAX_WARMUP_RATE = 50;

/**
 * The warm-up's rate: the highest rate the run measures, at most MAX_WARMUP_RATE. V8 optimises a
 * function once it has run often enough, so what warms a fresh service is the number of orders it
 * handled, not the seconds it ran: after 50 orders (10 s at 5/s) Orders' main thread still spent
 * about 1.6 times the CPU per order it spends once warm, and the first rate measured the difference.
 */
export function warmupRate(rates: readonly number[]): number {
  return Math.min(MAX_WARMUP_RATE, Math.max(...rates));
}
