import type { SendStats } from './open-loop-sender';
import type { RateErrors, SustainabilityCriteria } from './results';

export const DEFAULT_CRITERIA: SustainabilityCriteria = { minCompletionRatio: 0.95, maxFinalP99Ms: 2000 };

export interface RateOutcome {
  offeredRate: number;
  completedPerSec: number;
  finalP99Ms: number | null;
  errors: number;
}

/**
 * A rate is sustainable when completions keep up with arrivals (completed/s ≥ ratio × offered/s), the
 * end-to-end p99 stays bounded, and nothing failed. Returns the reasons it is not, empty when it is.
 */
export function judgeRate(outcome: RateOutcome, criteria: SustainabilityCriteria = DEFAULT_CRITERIA): string[] {
  const reasons: string[] = [];
  const needed = criteria.minCompletionRatio * outcome.offeredRate;
  if (outcome.completedPerSec < needed) {
    reasons.push(
      `completed ${fmt(outcome.completedPerSec)}/s < ${Math.round(criteria.minCompletionRatio * 100)} % of ${fmt(outcome.offeredRate)}/s offered`,
    );
  }
  if (outcome.finalP99Ms === null) reasons.push('no order reached a final state');
  else if (outcome.finalP99Ms >= criteria.maxFinalP99Ms) {
    reasons.push(`final-state p99 ${fmt(outcome.finalP99Ms)} ms ≥ ${criteria.maxFinalP99Ms} ms`);
  }
  if (outcome.errors > 0) reasons.push(`${outcome.errors} error(s)`);
  return reasons;
}

/** The highest offered rate judged sustainable, or null when none was. */
export function maxSustainableRate(rates: ReadonlyArray<{ offeredRate: number; sustainable: boolean }>): number | null {
  const ok = rates.filter((r) => r.sustainable).map((r) => r.offeredRate);
  return ok.length ? Math.max(...ok) : null;
}

/** Broker traffic ÷ ceiling, rounded to 0.1 %. */
export function utilisation(measuredPerSec: number, ceilingPerSec: number): number {
  if (!(ceilingPerSec > 0)) return 0;
  return Math.round((measuredPerSec / ceilingPerSec) * 1000) / 1000;
}

/**
 * A phase's errors: every answer but 201, network errors, sends not made, accepted orders not final
 * after the drain. At a rate a 503 is one, Retry-After or not (the rate was not sustained); in the
 * overload phase (`refusalsAreErrors: false`) a 503 with Retry-After is the store refusing what it
 * cannot take, not an error, while one without Retry-After still is.
 */
export function rateErrors(stats: SendStats, notFinal: number, { refusalsAreErrors = true } = {}): RateErrors {
  const status = { ...stats.status };
  if (refusalsAreErrors && stats.refused) status[503] = (status[503] ?? 0) + stats.refused;
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    status,
    network: { ...stats.network },
    notFinal,
    skipped: stats.skipped,
    total: sum(status) + sum(stats.network) + notFinal + stats.skipped,
  };
}

/** Completed/s during and after the overload must each be at least this share of the sustainable rate. */
export const MIN_OVERLOAD_THROUGHPUT = 0.9;

/**
 * The overload phase holds when the store keeps completing orders at ≥ 90 % of the rate it sustains
 * while offered more (during) and once back at that rate (after), loses no accepted order, and
 * answers nothing but 201 or a 503 with Retry-After. Returns the reasons it does not, empty when it does.
 */
export function judgeOverload(
  outcome: { sustainableRate: number; duringPerSec: number | null; afterPerSec: number | null; errors: RateErrors },
  minRatio = MIN_OVERLOAD_THROUGHPUT,
): string[] {
  const reasons: string[] = [];
  const needed = minRatio * outcome.sustainableRate;
  for (const [when, perSec] of [
    ['during', outcome.duringPerSec],
    ['after', outcome.afterPerSec],
  ] as const) {
    if (perSec === null) reasons.push(`completed/s ${when} the overload unknown: Orders did not answer the count`);
    else if (perSec < needed) {
      reasons.push(
        `completed ${fmt(perSec)}/s ${when} the overload < ${Math.round(minRatio * 100)} % of ${fmt(outcome.sustainableRate)}/s`,
      );
    }
  }
  if (outcome.errors.notFinal) reasons.push(`${outcome.errors.notFinal} accepted order(s) not final after the drain`);
  const others = outcome.errors.total - outcome.errors.notFinal;
  if (others > 0) reasons.push(`${others} error(s)`);
  return reasons;
}

const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
