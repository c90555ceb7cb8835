import { describe, expect, it } from 'vitest';
import { MessageBatcher } from './message-batcher';

/** A batcher whose batches finish only when the test says so. */
function controlledBatcher(maxSize: number) {
  const batches: number[][] = [];
  const finishers: Array<() => void> = [];
  const batcher = new MessageBatcher<number>(maxSize, (items) => {
    batches.push(items);
    const done = new Promise<void>((resolve) => finishers.push(resolve));
    return items.map((item) => done.then(() => (item < 0 ? Promise.reject(new Error(`item ${item}`)) : undefined)));
  });
  return { batcher, batches, finishNext: () => finishers.shift()!() };
}

/** Lets every pending promise callback run (the next batch starts in one). */
const flushPromises = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MessageBatcher', () => {
  it('starts a lone item in the turn it arrived, as a batch of one', async () => {
    const { batcher, batches, finishNext } = controlledBatcher(3);
    const outcome = batcher.submit(1);
    await flushPromises();
    expect(batches).toEqual([[1]]);
    finishNext();
    await outcome;
  });

  it('starts the items of one turn together, and groups what arrives while a batch runs, up to the maximum', async () => {
    const { batcher, batches, finishNext } = controlledBatcher(3);
    const outcomes = [1, 2].map((n) => batcher.submit(n));
    await flushPromises();
    expect(batches).toEqual([[1, 2]]);
    outcomes.push(...[3, 4, 5, 6, 7].map((n) => batcher.submit(n)));
    finishNext();
    await flushPromises();
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    finishNext();
    await flushPromises();
    expect(batches).toEqual([
      [1, 2],
      [3, 4, 5],
      [6, 7],
    ]);
    finishNext();
    await Promise.all(outcomes);
  });

  it('settles each item with its own outcome', async () => {
    const { batcher, finishNext } = controlledBatcher(5);
    const first = batcher.submit(1);
    await flushPromises();
    const good = batcher.submit(2);
    const bad = batcher.submit(-3);
    finishNext();
    await first;
    await flushPromises();
    finishNext();
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('item -3');
  });
});
