import { describe, expect, it } from 'vitest';
import { isValidTrackingCode, s10CheckDigit, trackingCodeFor } from './tracking-code';

describe('tracking code', () => {
  it('computes the S10 check digit, with its two special cases', () => {
    expect(s10CheckDigit('47312482')).toBe(9); // weighted sum 200 → 11 - 2
    expect(s10CheckDigit('00000000')).toBe(5); // remainder 0 → 11 → 5
    expect(s10CheckDigit('00000008')).toBe(0); // remainder 1 → 10 → 0
    expect(() => s10CheckDigit('123')).toThrow();
  });

  it('formats LJ + 8-digit serial + check digit + BR, deterministically', () => {
    expect(trackingCodeFor(1)).toBe('LJ000000014BR');
    expect(trackingCodeFor(47_312_482)).toBe('LJ473124829BR');
    expect(trackingCodeFor(1)).toBe(trackingCodeFor(1));
    expect(trackingCodeFor(99_999_999)).toMatch(/^LJ\d{9}BR$/);
  });

  it('gives every shipment number its own code', () => {
    const codes = new Set(Array.from({ length: 5000 }, (_, i) => trackingCodeFor(i + 1)));
    expect(codes.size).toBe(5000);
    for (const code of codes) expect(isValidTrackingCode(code)).toBe(true);
  });

  it('refuses numbers outside the serial range and detects a mistyped code', () => {
    expect(() => trackingCodeFor(100_000_000)).toThrow();
    expect(() => trackingCodeFor(-1)).toThrow();
    expect(isValidTrackingCode('LJ000000015BR')).toBe(false);
    expect(isValidTrackingCode('XX000000014BR')).toBe(false);
  });
});
