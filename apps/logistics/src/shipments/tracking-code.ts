/**
 * Tracking codes in the UPU S10 format the Correios use: 2 letters, an 8-digit serial, a check
 * digit, the country. Ours start with `LJ` and the serial is the shipment's sequential number, so
 * codes are deterministic and never repeat (up to 99,999,999 shipments per database).
 */
export const CARRIER = 'Correios';

const S10_WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const;
const MAX_SERIAL = 99_999_999;

/** The S10 check digit of an 8-digit serial. */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new Error(`S10 serial must be 8 digits, got ${serial}`);
  const sum = [...serial].reduce((total, digit, i) => total + Number(digit) * S10_WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  if (check === 10) return 0;
  if (check === 11) return 5;
  return check;
}

/** `LJ` + 8-digit serial + check digit + `BR`, e.g. shipment 1 → `LJ000000014BR`. */
export function trackingCodeFor(shipmentNumber: number): string {
  if (!Number.isInteger(shipmentNumber) || shipmentNumber < 0 || shipmentNumber > MAX_SERIAL) {
    throw new Error(`shipment number out of the tracking code range: ${shipmentNumber}`);
  }
  const serial = String(shipmentNumber).padStart(8, '0');
  return `LJ${serial}${s10CheckDigit(serial)}BR`;
}

/** True for a well-formed code whose check digit matches. */
export function isValidTrackingCode(code: string): boolean {
  const match = /^LJ(\d{8})(\d)BR$/.exec(code);
  return match !== null && s10CheckDigit(match[1]!) === Number(match[2]);
}
