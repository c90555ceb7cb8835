import type { AnyEvent } from '@loja/contracts';

/**
 * The rows of one table that a transaction works on for the events it handles, from
 * `SqlTransaction.lockForEvents`: the rows it locked, each the same object on every call (what a use case
 * changes in it, the next event sees), and the rows it adds, which the table shows only once they are
 * written (before COMMIT, with `writeBeforeCommit`) but which the next event must see already.
 */
export class LockedRows<Row> {
  private locked?: Map<string, Row>;
  private readonly added = new Map<string, Row>();

  constructor(
    private readonly eventsHandled: () => readonly AnyEvent[],
    private readonly keyOf: (event: AnyEvent) => string | undefined,
    private readonly lockMany: (keys: string[]) => Promise<Map<string, Row>>,
  ) {}

  /**
   * The row for `key`, locked for the rest of the transaction, or else the row this transaction added
   * under `key`; undefined when there is neither. The first call locks the rows of every event the
   * transaction handles (`keyOf` each, and `key`) with one `lockMany`, which should lock in key order so
   * two batches never deadlock; later calls find them in memory, and lock a key no event named on its own.
   */
  async lock(key: string): Promise<Row | undefined> {
    if (!this.locked) {
      const keys = new Set([key]);
      for (const event of this.eventsHandled()) {
        const eventKey = this.keyOf(event);
        if (eventKey !== undefined) keys.add(eventKey);
      }
      this.locked = await this.lockMany([...keys]);
    } else if (!this.locked.has(key)) {
      for (const [found, row] of await this.lockMany([key])) this.locked.set(found, row);
    }
    return this.locked.get(key) ?? this.added.get(key);
  }

  /**
   * A row this transaction creates under `key` (the caller writes it): from now on `lock(key)` returns
   * it when the table has no row for `key`. Keeps the first row added under a key: false, and `row` not
   * kept, when there is one already.
   */
  add(key: string, row: Row): boolean {
    if (this.added.has(key)) return false;
    this.added.set(key, row);
    return true;
  }

  /** The row this transaction added under `key`, if it did. */
  addedRow(key: string): Row | undefined {
    return this.added.get(key);
  }
}
