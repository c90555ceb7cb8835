import { describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for';
import { RecurringSweep } from './recurring-sweep';

/** A sweep that takes until `release()` is called, counting its runs and how many ran at once. */
function gatedSweep() {
  const state = { runs: 0, concurrent: 0, maxConcurrent: 0, release: () => undefined as void };
  const sweep = async () => {
    state.runs++;
    state.concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
    await new Promise<void>((resolve) => (state.release = resolve));
    state.concurrent--;
  };
  return { state, sweep };
}

describe('RecurringSweep', () => {
  it('runs at start, and requests during a run make exactly one more run, never two at once', async () => {
    const { state, sweep } = gatedSweep();
    const sweeps = new RecurringSweep(sweep, 60_000);
    sweeps.start();
    expect(state.runs).toBe(1);
    for (let i = 0; i < 5; i++) sweeps.request();
    state.release();
    await waitFor('the one run after the requests', () => state.runs === 2 || undefined);
    state.release();
    await sweeps.stop(); // settles once the run in progress has ended
    expect(state.runs).toBe(2);
    expect(state.maxConcurrent).toBe(1);
  });

  it('runs every interval until stopped; stop waits for the run in progress, then nothing runs', async () => {
    let runs = 0;
    const sweeps = new RecurringSweep(async () => void runs++, 10);
    sweeps.start();
    await waitFor('a few periodic runs', () => runs >= 3 || undefined);
    await sweeps.stop();
    const atStop = runs;
    sweeps.request(); // a run would start at once, synchronously
    expect(runs).toBe(atStop);
    expect(sweeps.isStopped).toBe(true);
  });

  it('hands an error that escapes the sweep to onError and keeps sweeping on the next request', async () => {
    const errors: string[] = [];
    let runs = 0;
    const sweeps = new RecurringSweep(
      async () => {
        runs++;
        if (runs === 1) throw new Error('database away');
      },
      60_000,
      (error) => errors.push(error.message),
    );
    sweeps.start();
    await waitFor('the failed run reported', () => errors.length === 1 || undefined);
    sweeps.request();
    await waitFor('the next run', () => runs === 2 || undefined);
    expect(errors).toEqual(['database away']);
    await sweeps.stop();
  });
});
