import { describe, expect, it } from 'vitest';
import { publishBackoffMs } from './publish-backoff';

describe('publishBackoffMs', () => {
  it('doubles from 100 ms with each refusal and stops at 5 s', () => {
    expect([0, 1, 2, 3, 5, 6, 20].map(publishBackoffMs)).toEqual([100, 200, 400, 800, 3200, 5000, 5000]);
  });
});
