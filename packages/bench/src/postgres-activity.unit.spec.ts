import { describe, expect, it } from 'vitest';
import { perOrder } from './postgres-activity';

describe('perOrder', () => {
  it('divides each database’s growth by the orders completed', () => {
    const before = new Map([['orders', { transactions: 100, rowsWritten: 400 }]]);
    const after = new Map([
      ['orders', { transactions: 1100, rowsWritten: 4400 }],
      ['payments', { transactions: 333, rowsWritten: 0 }],
    ]);
    expect(perOrder(before, after, 100)).toEqual({
      orders: { transactions: 10, rowsWritten: 40 },
      payments: { transactions: 3.3, rowsWritten: 0 },
    });
  });

  it('is empty when no order completed', () => {
    expect(perOrder(new Map(), new Map([['orders', { transactions: 5, rowsWritten: 5 }]]), 0)).toEqual({});
  });
});
