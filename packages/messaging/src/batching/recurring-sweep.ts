/**
 * Runs a sweep (`sweep`, which claims due rows and deals with them) every `intervalMs`, once at start,
 * and whenever `request()` asks: one run at a time, and however many requests come during a run, they
 * make one more run right after it. Logistics' shipment dispatcher and Notifications' e-mail dispatcher
 * run their sweeps on it, with timers and callers asking between the periodic runs.
 *
 * `sweep` handles its own errors (a database away: log, and the next run tries again); one that
 * escapes goes to `onError` and ends the current run.
 */
export class RecurringSweep {
  private interval: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(
    private readonly sweep: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly onError: (error: Error) => void = () => undefined,
  ) {}

  /** True before start() and after stop(): a long sweep may check it between two batches. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs once now, then every `intervalMs`. */
  start(): void {
    this.stopped = false;
    this.interval = setInterval(() => this.request(), this.intervalMs);
    this.interval.unref();
    this.request();
  }

  /** Runs now, or right after the run in progress. Ignored once stopped. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runUntilDone().finally(() => {
      this.running = undefined;
    });
  }

  /** No new run starts; settles when the run in progress has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.interval);
    await this.running;
  }

  private async runUntilDone(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.sweep();
      } catch (error) {
        this.onError(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    } while (this.again && !this.stopped);
  }
}
