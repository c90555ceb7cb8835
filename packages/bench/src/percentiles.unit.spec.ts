import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './percentiles';

describe('percentile', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the nearest rank: a value that was measured', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile([10, 20, 30], 50)).toBe(20);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
  });

  it('takes the largest value when few values exist', () => {
    expect(percentile([5, 7], 99)).toBe(7);
    expect(percentile([3], 50)).toBe(3);
  });

  it('clamps p to the extremes and is undefined for no values', () => {
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([], 50)).toBeUndefined();
  });
});

describe('summarize', () => {
  it('sorts first and reports p50/p95/p99/max/mean', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(summarize(values)).toEqual({ count: 200, p50: 100, p95: 190, p99: 198, max: 200, mean: 100.5 });
  });

  it('rounds to a tenth of a millisecond', () => {
    expect(summarize([1.234, 1.26])).toMatchObject({ p50: 1.2, max: 1.3, mean: 1.2 });
  });

  it('is all null for no values', () => {
    expect(summarize([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
  });
});
