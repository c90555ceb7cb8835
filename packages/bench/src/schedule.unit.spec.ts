import { describe, expect, it } from 'vitest';
import {
  dueCount,
  dueTimeMs,
  isSampled,
  plannedCount,
  pollBudgetPerSec,
  pollIntervalMs,
  sampleStride,
  warmupRate,
} from './schedule';

describe('open-loop schedule', () => {
  it('plans rate × duration orders, at least one', () => {
    expect(plannedCount(25, 20)).toBe(500);
    expect(plannedCount(400, 10)).toBe(4000);
    expect(plannedCount(0.01, 5)).toBe(1);
  });

  it('spaces orders evenly', () => {
    expect(dueTimeMs(0, 100)).toBe(0);
    expect(dueTimeMs(1, 100)).toBe(10);
    expect(dueTimeMs(40, 400)).toBe(100);
  });

  it('counts the orders due so far: the first at once, then one per 1/rate, capped at the total', () => {
    expect(dueCount(-1, 100, 1000)).toBe(0);
    expect(dueCount(0, 100, 1000)).toBe(1);
    expect(dueCount(9.9, 100, 1000)).toBe(1);
    expect(dueCount(10, 100, 1000)).toBe(2);
    expect(dueCount(1000, 3, 100)).toBe(4);
    expect(dueCount(60_000, 100, 1000)).toBe(1000);
  });

  it('catches up after a stall instead of sending fewer orders', () => {
    // The event loop was blocked for 500 ms: every order due meanwhile is due now.
    expect(dueCount(500, 200, 10_000)).toBe(101);
  });

  it('is consistent with dueTimeMs at every due time', () => {
    for (const rate of [3, 7, 25, 400]) {
      for (let i = 0; i < 50; i++) expect(dueCount(dueTimeMs(i, rate), rate, 1000)).toBe(i + 1);
    }
  });
});

describe('sampling', () => {
  it('follows at most maxSamples orders, evenly spread', () => {
    expect(sampleStride(100, 200)).toBe(1);
    expect(sampleStride(8000, 200)).toBe(40);
    expect(sampleStride(201, 200)).toBe(2);
    const total = 4000;
    const stride = sampleStride(total, 200);
    const sampled = Array.from({ length: total }, (_, i) => i).filter((i) => isSampled(i, stride));
    expect(sampled).toHaveLength(200);
    expect(sampled[1]).toBe(20);
  });

  it('polls young orders every 50 ms and old ones in proportion to their age, at most every second', () => {
    expect(pollIntervalMs(0)).toBe(50);
    expect(pollIntervalMs(900)).toBe(50);
    expect(pollIntervalMs(4000)).toBe(200);
    expect(pollIntervalMs(60_000)).toBe(1000);
  });
});

describe('poll budget', () => {
  it('is half the offered rate, at least 20 polls/s', () => {
    expect(pollBudgetPerSec(5)).toBe(20);
    expect(pollBudgetPerSec(40)).toBe(20);
    expect(pollBudgetPerSec(100)).toBe(50);
    expect(pollBudgetPerSec(400)).toBe(200);
  });
});

describe('warm-up rate', () => {
  it('is the highest rate measured, at most 50/s', () => {
    expect(warmupRate([10, 25])).toBe(25);
    expect(warmupRate([25, 50, 100, 200, 400])).toBe(50);
    expect(warmupRate([100])).toBe(50);
  });
});
