import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './domain-error.filter';

describe('DomainErrorFilter', () => {
  it('treats a database that is busy or unreachable as unavailable (503), anything else not', () => {
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('Unable to start a transaction in the given time'), { code: 'P2028' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('unique constraint'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});
