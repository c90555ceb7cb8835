import { describe, expect, it } from 'vitest';
import { CoalescingWriter } from './coalescing-writer';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('CoalescingWriter', () => {
  it('writes the first item at once and what arrives meanwhile in one next write', async () => {
    const writes: number[][] = [];
    const gate = deferred();
    const writer = new CoalescingWriter<number>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) await gate.promise;
      },
      () => undefined,
    );
    writer.add(1);
    writer.add(2);
    writer.add(3);
    expect(writes).toEqual([[1]]);
    gate.resolve();
    await writer.flushed();
    expect(writes).toEqual([[1], [2, 3]]);
  });

  it('reports a failed write with its items and goes on with the next', async () => {
    const failed: number[][] = [];
    const written: number[][] = [];
    let calls = 0;
    const writer = new CoalescingWriter<number>(
      async (items) => {
        if (calls++ === 0) throw new Error('database down');
        written.push(items);
      },
      (_error, items) => failed.push(items),
    );
    writer.add(1);
    writer.add(2);
    await writer.flushed();
    expect(failed).toEqual([[1]]);
    expect(written).toEqual([[2]]);
  });

  it('is flushed at once when nothing was added', async () => {
    await new CoalescingWriter<number>(
      async () => undefined,
      () => undefined,
    ).flushed();
  });
});
