import { context, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * Collects items and writes them in as few statements as possible: one write runs at a time, the
 * items added meanwhile go together in the next one, and writes are at least `minIntervalMs` apart.
 * Under load the relay then marks the events of many commits published in one statement. A failed
 * write goes to `onError` with its items, which are dropped: use it for writes that are safe to lose,
 * such as "published" or "sent" marks (the row is published or sent again, at least once).
 */
export class CoalescingWriter<T> {
  private pending: T[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly onError: (error: Error, items: T[]) => void = () => undefined,
    private readonly minIntervalMs = 0,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    // A write serves the items of many traces: it runs outside the trace of whoever added first.
    // (With no OpenTelemetry SDK registered this is a plain call.)
    this.writing ??= context.with(ROOT_CONTEXT, () => this.drain());
  }

  /** Settles once every item added so far has been written (or its write failed). */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const items = this.pending;
        this.pending = [];
        await this.write(items).catch((error: Error) => this.onError(error, items));
        if (this.minIntervalMs > 0) await new Promise((resolve) => setTimeout(resolve, this.minIntervalMs));
      }
    } finally {
      this.writing = undefined;
    }
  }
}
