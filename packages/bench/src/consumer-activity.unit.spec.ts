import { describe, expect, it } from 'vitest';
import { consumersPerOrder, type ConsumerTotals } from './consumer-activity';

const totals = (t: Partial<ConsumerTotals>): ConsumerTotals => ({
  handled: 0,
  retried: 0,
  batches: 0,
  batchedMessages: 0,
  batchRollbacks: 0,
  ...t,
});

describe('consumersPerOrder', () => {
  it('divides what happened between the two reads by the completed orders', () => {
    const before = new Map([['orders', totals({ handled: 100, retried: 1, batches: 5, batchedMessages: 20 })]]);
    const after = new Map([
      ['orders', totals({ handled: 800, retried: 11, batches: 105, batchedMessages: 520, batchRollbacks: 2 })],
    ]);
    expect(consumersPerOrder(before, after, 100)).toEqual({
      orders: { handled: 7, retried: 0.1, batchedPercent: 71, averageBatch: 5, batchRollbacks: 2 },
    });
  });

  it('has no average batch when nothing was batched, and no rows without orders or a first read', () => {
    const before = new Map([['payments', totals({ handled: 10 })]]);
    const after = new Map([
      ['payments', totals({ handled: 40 })],
      ['logistics', totals({ handled: 5 })],
    ]);
    expect(consumersPerOrder(before, after, 10)).toEqual({
      payments: { handled: 3, retried: 0, batchedPercent: 0, averageBatch: null, batchRollbacks: 0 },
    });
    expect(consumersPerOrder(before, after, 0)).toEqual({});
  });
});
