import { describe, expect, it } from 'vitest';
import { mergeLines, planReservation } from './stock-plan';

describe('stock plan', () => {
  const stock = new Map([
    ['CAP', 1],
    ['TEE', 5],
  ]);

  it('reserves every line when all are available', () => {
    expect(
      planReservation(
        [
          { sku: 'TEE', quantity: 5 },
          { sku: 'CAP', quantity: 1 },
        ],
        stock,
      ),
    ).toEqual({
      kind: 'reserve',
      lines: [
        { sku: 'CAP', quantity: 1 },
        { sku: 'TEE', quantity: 5 },
      ],
    });
  });

  it('reserves nothing and lists every short line, unknown SKUs as 0 available', () => {
    expect(
      planReservation(
        [
          { sku: 'TEE', quantity: 1 },
          { sku: 'CAP', quantity: 2 },
          { sku: 'GONE', quantity: 1 },
        ],
        stock,
      ),
    ).toEqual({
      kind: 'unavailable',
      missing: [
        { sku: 'CAP', requested: 2, available: 1 },
        { sku: 'GONE', requested: 1, available: 0 },
      ],
    });
  });

  it('adds up repeated SKUs before checking', () => {
    expect(
      mergeLines([
        { sku: 'TEE', quantity: 3 },
        { sku: 'TEE', quantity: 3 },
      ]),
    ).toEqual([{ sku: 'TEE', quantity: 6 }]);
    expect(
      planReservation(
        [
          { sku: 'TEE', quantity: 3 },
          { sku: 'TEE', quantity: 3 },
        ],
        stock,
      ).kind,
    ).toBe('unavailable');
  });
});
