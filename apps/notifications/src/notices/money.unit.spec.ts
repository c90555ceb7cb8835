import { describe, expect, it } from 'vitest';
import { formatBrl } from './money';

describe('formatBrl', () => {
  it('writes cents as reais with a decimal comma and dots between thousands', () => {
    expect(formatBrl(4990)).toBe('R$ 49,90');
    expect(formatBrl(5)).toBe('R$ 0,05');
    expect(formatBrl(0)).toBe('R$ 0,00');
    expect(formatBrl(123456)).toBe('R$ 1.234,56');
    expect(formatBrl(100000000)).toBe('R$ 1.000.000,00');
    expect(formatBrl(-1050)).toBe('-R$ 10,50');
  });

  it('refuses fractions of a cent', () => {
    expect(() => formatBrl(49.9)).toThrow(/integer cents/);
  });
});
