/**
 * Collects items and writes them in as few statements as possible: one write runs at a time, and the
 * items added meanwhile go together in the next one. Under load the "sent" marks of many e-mails then
 * go in one UPDATE. A failed write is reported to `onError` and its items are dropped.
 */
export class CoalescingWriter<T> {
  private pending: T[] = [];
  private writing: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly onError: (error: Error, items: T[]) => void,
  ) {}

  add(item: T): void {
    this.pending.push(item);
    this.writing ??= this.drain();
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
      }
    } finally {
      this.writing = undefined;
    }
  }
}
