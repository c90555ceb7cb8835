import { sleep } from './sleep';

/** Load running before the window opens, so the window sees a warm broker or database. */
const WARM_UP_MS = 1_000;

/**
 * The measured window of a ceiling: its load loops count only while `measuring`, and end once
 * `stopped`. `run` gives them a warm-up, then `durationS` of measuring, then stops them and waits.
 */
export class MeasureWindow {
  measuring = false;
  stopped = false;

  /** Returns the window's length as measured, in seconds. */
  async run(durationS: number, loops: Array<Promise<void>>): Promise<number> {
    await sleep(WARM_UP_MS);
    this.measuring = true;
    const started = performance.now();
    await sleep(durationS * 1000);
    this.measuring = false;
    const elapsedS = (performance.now() - started) / 1000;
    this.stopped = true;
    await Promise.all(loops);
    return elapsedS;
  }
}
