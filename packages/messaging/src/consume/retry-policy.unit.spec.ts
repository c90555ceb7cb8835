import { describe, expect, it } from 'vitest';
import { allRetryDelaysMs, hasAttemptsLeft, retryDelayMs } from './retry-policy';

const policy = { attempts: 5, initialDelayMs: 1000, multiplier: 4, maxDelayMs: 30_000 };

describe('retry policy', () => {
  it('grows the delay exponentially and caps it', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelayMs(policy, attempt))).toEqual([1000, 4000, 16000, 30000]);
  });

  it('lists one delay per retry, without duplicates', () => {
    expect(allRetryDelaysMs(policy)).toEqual([1000, 4000, 16000, 30000]);
    expect(allRetryDelaysMs({ ...policy, multiplier: 1 })).toEqual([1000]);
    expect(allRetryDelaysMs({ ...policy, attempts: 1 })).toEqual([]);
  });

  it('stops retrying after the configured number of deliveries', () => {
    expect(hasAttemptsLeft(policy, 4)).toBe(true);
    expect(hasAttemptsLeft(policy, 5)).toBe(false);
  });
});
