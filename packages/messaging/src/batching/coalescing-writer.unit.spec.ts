import { describe, expect, it } from 'vitest';
import { CoalescingWriter } from './coalescing-writer';

describe('CoalescingWriter', () => {
  it('writes what arrives during a write together, in the next one', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const firstWrite = new Promise<void>((resolve) => (release = resolve));
    const writer = new CoalescingWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await firstWrite;
    });
    writer.add(1);
    writer.add(2);
    writer.add(3);
    release();
    await writer.flushed();
    expect(writes).toEqual([[1], [2, 3]]);
  });

  it('goes on after a failed write', async () => {
    const errors: string[] = [];
    const writes: number[][] = [];
    const writer = new CoalescingWriter<number>(
      async (items) => {
        writes.push(items);
        if (items.includes(1)) throw new Error('database away');
      },
      (error) => errors.push(error.message),
    );
    writer.add(1);
    await writer.flushed();
    writer.add(2);
    await writer.flushed();
    expect(writes).toEqual([[1], [2]]);
    expect(errors).toEqual(['database away']);
  });

  it('keeps writes apart by the minimum interval, so more items share each', async () => {
    const writes: number[][] = [];
    const writer = new CoalescingWriter<number>(
      async (items) => {
        writes.push(items);
      },
      undefined,
      30,
    );
    writer.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    writer.add(2);
    writer.add(3);
    await writer.flushed();
    expect(writes).toEqual([[1], [2, 3]]);
  });
});
