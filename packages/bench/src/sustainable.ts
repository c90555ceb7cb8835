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
 * A rate's errors: every answer but 201 (a 503 is one, Retry-After or not: the rate was not sustained),
 * network errors, sends not made, accepted orders not final after the drain.
 */
export function rateErrors(stats: SendStats, notFinal: number): RateErrors {
  const status = { ...stats.status };
  if (stats.refused) status[503] = (status[503] ?? 0) + stats.refused;
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    status,
    network: { ...stats.network },
    notFinal,
    skipped: stats.skipped,
    total: sum(status) + sum(stats.network) + notFinal + stats.skipped,
  };
}

const fmt = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
