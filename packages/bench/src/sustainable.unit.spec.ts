import { describe, expect, it } from 'vitest';
import { noStats, type SendStats } from './open-loop-sender';
import { judgeOverload, judgeRate, maxSustainableRate, rateErrors, utilisation } from './sustainable';

describe('judgeRate', () => {
  const ok = { offeredRate: 100, completedPerSec: 99, finalP99Ms: 350, errors: 0 };

  it('accepts a rate whose completions keep up, with a bounded p99 and no errors', () => {
    expect(judgeRate(ok)).toEqual([]);
    expect(judgeRate({ ...ok, completedPerSec: 95 })).toEqual([]);
  });

  it('rejects completions below 95 % of the offered rate', () => {
    expect(judgeRate({ ...ok, completedPerSec: 94.9 })).toEqual(['completed 94.9/s < 95 % of 100/s offered']);
  });

  it('rejects an unbounded p99, or none at all', () => {
    expect(judgeRate({ ...ok, finalP99Ms: 2000 })).toEqual(['final-state p99 2000 ms ≥ 2000 ms']);
    expect(judgeRate({ ...ok, finalP99Ms: null })).toEqual(['no order reached a final state']);
  });

  it('rejects any error, and lists every reason', () => {
    expect(judgeRate({ offeredRate: 400, completedPerSec: 150, finalP99Ms: 9000, errors: 3 })).toEqual([
      'completed 150/s < 95 % of 400/s offered',
      'final-state p99 9000 ms ≥ 2000 ms',
      '3 error(s)',
    ]);
  });

  it('honours other criteria', () => {
    expect(judgeRate({ ...ok, completedPerSec: 80 }, { minCompletionRatio: 0.8, maxFinalP99Ms: 300 })).toEqual([
      'final-state p99 350 ms ≥ 300 ms',
    ]);
  });
});

describe('maxSustainableRate', () => {
  it('is the highest sustainable offered rate', () => {
    expect(
      maxSustainableRate([
        { offeredRate: 25, sustainable: true },
        { offeredRate: 50, sustainable: true },
        { offeredRate: 100, sustainable: false },
      ]),
    ).toBe(50);
  });

  it('is null when no rate was sustainable', () => {
    expect(maxSustainableRate([{ offeredRate: 25, sustainable: false }])).toBeNull();
    expect(maxSustainableRate([])).toBeNull();
  });
});

describe('utilisation', () => {
  it('is the measured share of the ceiling', () => {
    expect(utilisation(450, 3000)).toBe(0.15);
    expect(utilisation(1, 3)).toBe(0.333);
    expect(utilisation(10, 0)).toBe(0);
  });
});

const stats = (overrides: Partial<SendStats>): SendStats => ({
  ...noStats(),
  planned: 100,
  sent: 100,
  accepted: 90,
  ...overrides,
});

describe('rateErrors', () => {
  it('counts a 503 with Retry-After as an error at a rate', () => {
    const errors = rateErrors(stats({ refused: 5, retryAfter: { '1': 5 }, status: { 503: 1, 500: 2 } }), 3);
    expect(errors).toEqual({ status: { 503: 6, 500: 2 }, network: {}, notFinal: 3, skipped: 0, total: 11 });
  });

  it('does not in the overload phase, but still counts a 503 without Retry-After and everything else', () => {
    const errors = rateErrors(stats({ refused: 5, status: { 503: 1 }, network: { ECONNRESET: 2 }, skipped: 1 }), 0, {
      refusalsAreErrors: false,
    });
    expect(errors).toEqual({ status: { 503: 1 }, network: { ECONNRESET: 2 }, notFinal: 0, skipped: 1, total: 4 });
  });
});

describe('judgeOverload', () => {
  const none = { status: {}, network: {}, notFinal: 0, skipped: 0, total: 0 };
  const ok = { sustainableRate: 100, duringPerSec: 92, afterPerSec: 90, errors: none };

  it('holds when completed/s stays at 90 % of the sustainable rate during and after, nothing lost', () => {
    expect(judgeOverload(ok)).toEqual([]);
  });

  it('says which segment fell short, or was not counted', () => {
    expect(judgeOverload({ ...ok, duringPerSec: 61.5, afterPerSec: null })).toEqual([
      'completed 61.5/s during the overload < 90 % of 100/s',
      'completed/s after the overload unknown: Orders did not answer the count',
    ]);
  });

  it('fails on lost orders and on errors', () => {
    expect(judgeOverload({ ...ok, errors: { ...none, status: { 500: 2 }, notFinal: 3, total: 5 } })).toEqual([
      '3 accepted order(s) not final after the drain',
      '2 error(s)',
    ]);
  });
});
