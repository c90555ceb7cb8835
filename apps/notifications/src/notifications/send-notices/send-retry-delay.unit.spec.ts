import { describe, expect, it } from 'vitest';
import { sendRetryDelayMs } from './send-retry-delay';

describe('sendRetryDelayMs', () => {
  const policy = { initialDelayMs: 1000, maxDelayMs: 60_000 };

  it('waits the initial delay after the first failure, then doubles', () => {
    expect([1, 2, 3, 4].map((failures) => sendRetryDelayMs(failures, policy))).toEqual([1000, 2000, 4000, 8000]);
  });

  it('never waits longer than the max, however many failures', () => {
    expect(sendRetryDelayMs(7, policy)).toBe(60_000);
    expect(sendRetryDelayMs(10_000, policy)).toBe(60_000);
  });

  it('treats a count below one as the first failure', () => {
    expect(sendRetryDelayMs(0, policy)).toBe(1000);
  });
});
