/**
 * Groups work items that arrive while earlier ones are being handled: one batch runs at a time, and
 * whatever arrived meanwhile (up to `maxSize`) forms the next one. An item never waits for others:
 * with no batch running it starts in the same turn of the event loop (setImmediate), together with
 * whatever else arrived in that turn (the several deliveries one socket read brings), so batching
 * adds no latency when the queue is quiet and grows only under load.
 */
export class MessageBatcher<T> {
  private readonly waiting: Array<{ item: T; settle: (outcome: Promise<void>) => void }> = [];
  private running = false;
  private startScheduled = false;

  constructor(
    private readonly maxSize: number,
    /** Handles a batch; the promise of each item settles when its own outcome is known. */
    private readonly run: (items: T[]) => Array<Promise<void>>,
  ) {}

  /** Settles when `item` was handled (or failed), alone or with others. */
  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ item, settle: (outcome) => outcome.then(resolve, reject) });
      this.scheduleStart();
    });
  }

  private scheduleStart(): void {
    if (this.running || this.startScheduled) return;
    this.startScheduled = true;
    setImmediate(() => {
      this.startScheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    if (this.running || this.waiting.length === 0) return;
    this.running = true;
    const batch = this.waiting.splice(0, this.maxSize);
    const outcomes = this.run(batch.map((entry) => entry.item));
    batch.forEach((entry, i) => entry.settle(outcomes[i]!));
    void Promise.allSettled(outcomes).then(() => {
      this.running = false;
      this.drain();
    });
  }
}
