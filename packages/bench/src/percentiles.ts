/** Latency distribution of one measurement, in milliseconds; null when there was nothing to measure. */
export interface LatencySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

/**
 * Nearest-rank percentile of ascending `sorted` values: the smallest value with at least p % of the
 * values at or below it (so p99 of 100 values is the 99th, never an interpolated value nobody saw).
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (!sorted.length) return undefined;
  if (p <= 0) return sorted[0];
  if (p >= 100) return sorted[sorted.length - 1];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** p50/p95/p99/max/mean of `values` (any order), rounded to 0.1 ms. */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(percentile(sorted, p));
  const mean = sorted.length ? sorted.reduce((sum, v) => sum + v, 0) / sorted.length : undefined;
  return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: at(100), mean: round(mean) };
}

const round = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value * 10) / 10);
