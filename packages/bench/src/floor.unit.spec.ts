import { describe, expect, it } from 'vitest';
import { cpuPerOrder, floorNote, unitCosts } from './floor';
import type { BrokerCeiling, PostgresCeiling, ProcessCpu } from './results';

const broker = { messagesPerSec: 8000 } as BrokerCeiling;
const postgres = { txPerSec: 4000 } as PostgresCeiling;
const units = unitCosts(2, { broker, postgres });

/** 100 orders' worth of CPU per process, in ms. */
const cpu = (ms: Record<string, number>): ProcessCpu[] =>
  Object.entries(ms).map(([name, cpuMs]) => ({ name, pids: [1], windowPercent: 0, cpuMs, msPerOrder: cpuMs / 100 }));
const store = {
  orders: 1000,
  inventory: 500,
  payments: 400,
  logistics: 400,
  notifications: 600,
  rabbitmq: 800,
  postgres: 1300,
};

describe('unitCosts', () => {
  it('is cores ÷ ceiling rate, in ms', () => {
    expect(units).toEqual({ cores: 2, msPerDelivery: 0.25, msPerTransaction: 0.5 });
    expect(unitCosts(2, { broker: { messagesPerSec: 8251 } as BrokerCeiling, postgres: null })).toEqual({
      cores: 2,
      msPerDelivery: 0.242,
      msPerTransaction: null,
    });
  });
});

describe('cpuPerOrder', () => {
  it('sums the store, computes the floor and the share above it, and keeps the harness apart', () => {
    const result = cpuPerOrder(
      cpu({ ...store, bench: 60, 'mail-sink': 20 }),
      100,
      { deliveries: 15, transactions: 20 },
      units,
    );
    expect(result).toEqual({
      storeMs: 50,
      harnessMs: 0.8,
      allMs: 50.8,
      deliveries: 15,
      transactions: 20,
      floorMs: 13.8, // 15 × 0.25 + 20 × 0.5 = 13.75
      aboveFloor: 0.725, // (50 − 13.75) ÷ 50
    });
  });

  it('has no store figure without every service (a store given by URL), and no floor without its inputs', () => {
    const { orders: _orders, ...withoutOrders } = store;
    const result = cpuPerOrder(
      cpu({ ...withoutOrders, bench: 60 }),
      100,
      { deliveries: 15, transactions: null },
      units,
    );
    expect(result).toMatchObject({ storeMs: null, allMs: null, harnessMs: 0.6, floorMs: null, aboveFloor: null });
    expect(cpuPerOrder(cpu(store), 0, { deliveries: null, transactions: null }, units)).toMatchObject({
      storeMs: null,
      harnessMs: null,
    });
  });
});

describe('floorNote', () => {
  it('states the formula with the run’s numbers', () => {
    const note = floorNote(units, { broker, postgres })!;
    expect(note).toContain(
      'Floor per completed order = broker deliveries per order × 0.25 ms + PostgreSQL transactions per order × 0.5 ms',
    );
    expect(note).toContain(
      '2 cores ÷ 8000 msg/s (RabbitMQ) per delivery, 2 cores ÷ 4000 tx/s (PostgreSQL) per transaction',
    );
    expect(note).toContain('above the floor = (store CPU − floor) ÷ store CPU');
    expect(floorNote(unitCosts(2, { broker, postgres: null }), { broker, postgres: null })).toBeNull();
  });
});
