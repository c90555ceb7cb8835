import { describe, expect, it } from 'vitest';
import { AckWindow } from './ack-window';

function windowWithLog() {
  const acks: Array<[number, boolean]> = [];
  const window = new AckWindow((tag, multiple) => acks.push([tag, multiple]));
  /** The acks sent once the current turn's settles are flushed (a microtask later). */
  const sent = async () => {
    await Promise.resolve();
    return acks;
  };
  return { window, acks, sent };
}

describe('AckWindow', () => {
  it('acks a lone delivery on its own', async () => {
    const { window, sent } = windowWithLog();
    window.delivered(1);
    window.settle(1);
    expect(await sent()).toEqual([[1, false]]);
    expect(window.pending).toBe(0);
  });

  it('acks a batch settled in one turn with one multiple ack, not one ack per delivery', async () => {
    const { window, acks, sent } = windowWithLog();
    [1, 2, 3].forEach((tag) => window.delivered(tag));
    [1, 2, 3].forEach((tag) => window.settle(tag));
    expect(acks).toEqual([]);
    expect(await sent()).toEqual([[3, true]]);
    expect(window.pending).toBe(0);
  });

  it('acks, once the earliest settles, the later deliveries settled before it', async () => {
    const { window, sent } = windowWithLog();
    [1, 2, 3].forEach((tag) => window.delivered(tag));
    window.settle(2);
    window.settle(3);
    expect(await sent()).toEqual([]);
    window.settle(1);
    expect(await sent()).toEqual([[3, true]]);
  });

  it('never acks past a delivery that is still being handled', async () => {
    const { window, sent } = windowWithLog();
    [1, 2, 3, 4].forEach((tag) => window.delivered(tag));
    window.settle(1);
    window.settle(3);
    window.settle(4);
    expect(await sent()).toEqual([[1, false]]);
    expect(window.pending).toBe(3);
    window.settle(2);
    expect(await sent()).toEqual([
      [1, false],
      [4, true],
    ]);
  });

  it('acks past a rejected delivery without acking it', async () => {
    const { window, sent } = windowWithLog();
    [1, 2, 3].forEach((tag) => window.delivered(tag));
    window.rejected(1);
    expect(await sent()).toEqual([]);
    window.settle(3);
    window.settle(2);
    expect(await sent()).toEqual([[3, true]]);
    expect(window.pending).toBe(0);
  });

  it('ignores a tag it does not hold', async () => {
    const { window, sent } = windowWithLog();
    window.settle(7);
    expect(await sent()).toEqual([]);
  });
});
