import { describe, expect, it } from 'vitest';
import { AckWindow } from './ack-window';

function windowWithLog() {
  const acks: Array<[number, boolean]> = [];
  const window = new AckWindow((tag, multiple) => acks.push([tag, multiple]));
  return { window, acks };
}

describe('AckWindow', () => {
  it('acks a lone delivery on its own', () => {
    const { window, acks } = windowWithLog();
    window.delivered(1);
    window.settle(1);
    expect(acks).toEqual([[1, false]]);
    expect(window.pending).toBe(0);
  });

  it('acks a settled batch with one multiple ack', () => {
    const { window, acks } = windowWithLog();
    [1, 2, 3].forEach((tag) => window.delivered(tag));
    window.settle(2);
    window.settle(3);
    expect(acks).toEqual([]);
    window.settle(1);
    expect(acks).toEqual([[3, true]]);
  });

  it('never acks past a delivery that is still being handled', () => {
    const { window, acks } = windowWithLog();
    [1, 2, 3, 4].forEach((tag) => window.delivered(tag));
    window.settle(1);
    window.settle(3);
    window.settle(4);
    expect(acks).toEqual([[1, false]]);
    expect(window.pending).toBe(3);
    window.settle(2);
    expect(acks).toEqual([
      [1, false],
      [4, true],
    ]);
  });

  it('acks past a rejected delivery without acking it', () => {
    const { window, acks } = windowWithLog();
    [1, 2, 3].forEach((tag) => window.delivered(tag));
    window.rejected(1);
    expect(acks).toEqual([]);
    window.settle(3);
    window.settle(2);
    expect(acks).toEqual([[3, true]]);
    expect(window.pending).toBe(0);
  });

  it('ignores a tag it does not hold', () => {
    const { window, acks } = windowWithLog();
    window.settle(7);
    expect(acks).toEqual([]);
  });
});
