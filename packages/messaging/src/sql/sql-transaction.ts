import type { AnyEvent } from '@loja/contracts';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { PublishableEvent } from '../outbox/publishable-event';
import type { Tracing } from '../tracing/tracing';
import { LockedRows } from './locked-rows';
import { TransactionRolledBackError, isPrepared, runPipelined, type StatementConfig } from './pipelined-statement';
import { sqlTypes } from './sql-types';
import type { StatementNames } from './statement-names';

/** Parameterised SQL on the service's database; every text runs as a named prepared statement. */
export interface SqlExecutor {
  /** Rows of a statement. `text` must be static SQL (values go in `values`: $1, $2, …). */
  query<T extends QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  /** Rows affected by a statement. */
  execute(text: string, values?: unknown[]): Promise<number>;
}

/** Runs statements on a pool (each on any free connection) or on one connection (a transaction's). */
export class SqlClient implements SqlExecutor {
  constructor(
    protected readonly client: Pool | PoolClient,
    protected readonly names: StatementNames,
  ) {}

  async query<T extends QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.run(text, values)).rows as T[];
  }

  async execute(text: string, values: unknown[] = []): Promise<number> {
    return (await this.run(text, values)).rowCount ?? 0;
  }

  protected run(text: string, values: unknown[]): Promise<QueryResult> {
    return this.client.query({ name: this.names.nameOf(text), text, values, types: sqlTypes });
  }
}

/**
 * The transaction a handler or a use case writes through (`Database.transaction`). Besides SQL it
 * keeps what must happen around the commit:
 * - `beforeCommit(key, work)`: work done once per key just before COMMIT, whatever number of times it
 *   was asked for (one ProdutoAtualizado per product per transaction, however many lines touched it);
 * - `afterCommit(work)`: work done only once the transaction committed (an e-mail, never for a
 *   rolled-back change);
 * - the events written to the outbox, which the relay publishes right after the commit.
 *
 * Its first statement carries the BEGIN, and the `executeAtCommit` statements go with the COMMIT, in
 * the same round trip (see runPipelined): a transaction of three statements costs three round trips,
 * not five, and one whose writes all wait for the commit costs one.
 */
export class SqlTransaction extends SqlClient {
  /** BEGIN was sent (with the first statement). */
  private begun = false;
  /** The statements to send with COMMIT, in order. */
  private readonly atCommit: Array<{ text: string; values: unknown[] }> = [];
  private readonly beforeCommitWork = new Map<string, () => Promise<void>>();
  private readonly afterCommitWork: Array<() => void> = [];
  private readonly events: PublishableEvent[] = [];
  private readonly locals = new Map<string, unknown>();
  private handled: readonly AnyEvent[] = [];

  constructor(
    protected override readonly client: PoolClient,
    names: StatementNames,
    private readonly tracing: Tracing,
  ) {
    super(client, names);
  }

  protected override run(text: string, values: unknown[]): Promise<QueryResult> {
    if (this.begun) return super.run(text, values);
    this.begun = true;
    return this.runWithBegin(text, values);
  }

  /**
   * Runs `text` just before COMMIT, in COMMIT's round trip, after every statement run before then, and
   * in the order asked: for writes that nothing in the transaction reads back, and that return no rows
   * (the outbox rows, rows a batch writes at once). A failure shows at commit, and rolls everything back.
   */
  executeAtCommit(text: string, values: unknown[]): Promise<void> {
    this.atCommit.push({ text, values });
    return Promise.resolve();
  }

  /** @internal Database.transaction: COMMIT, with the `executeAtCommit` statements. */
  async commit(): Promise<void> {
    const queued = this.atCommit.splice(0);
    const named = queued.map(({ text, values }): StatementConfig | undefined => {
      const name = this.names.nameOf(text);
      return name === undefined ? undefined : { name, text, values, types: sqlTypes };
    });
    // COMMIT takes the longest tail of named statements whose all but first are prepared on this
    // connection already (see runPipelined); the statements before that tail run first, in order.
    let start = named.length;
    while (start > 0 && named[start - 1] !== undefined) {
      start--;
      if (!isPrepared(this.client, named[start]!.name)) break;
    }
    for (const { text, values } of queued.slice(0, start)) await this.execute(text, values);
    const pipeline = named.slice(start) as StatementConfig[];
    if (pipeline.length > 0) {
      const begin = !this.begun;
      this.begun = true;
      await runPipelined(this.client, pipeline, { begin, commit: true });
    } else if (this.begun) {
      await this.commitAlone();
    } // else no statement at all: nothing to commit
  }

  /**
   * The transaction's first statement, with BEGIN before it in one round trip; a text past
   * StatementNames' bound has no name to pipeline with, and BEGIN then goes on its own.
   */
  private async runWithBegin(text: string, values: unknown[]): Promise<QueryResult> {
    const name = this.names.nameOf(text);
    if (name !== undefined) {
      return runPipelined(this.client, [{ name, text, values, types: sqlTypes }], { begin: true, commit: false });
    }
    await this.client.query('BEGIN');
    return super.run(text, values);
  }

  private async commitAlone(): Promise<void> {
    const { command } = await this.client.query('COMMIT');
    if (command !== 'COMMIT') throw new TransactionRolledBackError();
  }

  /** @internal Database.transaction: whether there is a transaction to roll back. */
  get hasBegun(): boolean {
    return this.begun;
  }

  /**
   * The events this transaction handles, when a consumer runs it (one, or a batch): a handler may read
   * what it needs for all of them in one statement on its first call, instead of one per event.
   */
  get eventsHandled(): readonly AnyEvent[] {
    return this.handled;
  }

  /** @internal DeliveryPipeline, before it calls the handlers. */
  handling(events: readonly AnyEvent[]): void {
    this.handled = events;
  }

  /** Runs `work` before COMMIT; asked again with the same key, the latest `work` replaces the earlier one. */
  beforeCommit(key: string, work: () => Promise<void>): void {
    this.beforeCommitWork.delete(key);
    this.beforeCommitWork.set(key, work);
  }

  /**
   * What this transaction keeps under `key` while it runs, made by `create` on first use: the rows a
   * use case read once for every event of a batch, or the writes it still owes.
   */
  local<T>(key: string, create: () => T): T {
    if (!this.locals.has(key)) this.locals.set(key, create());
    return this.locals.get(key) as T;
  }

  /**
   * Queues `row` for one write, just before COMMIT, of every row queued under `key`: a batch of events
   * inserts its rows in one statement instead of one each. The transaction cannot read the rows back
   * before then, so queue only rows nothing in it reads again, or `add` them to the `lockForEvents` rows
   * the use case reads them from (or keep them in `local` state). A `write` that needs nothing back
   * sends its statement with `executeAtCommit`, in COMMIT's round trip: after the statements of any
   * before-commit work that comes later, so not for rows one of those needs (a foreign key's parent).
   */
  writeBeforeCommit<Row>(key: string, row: Row, write: (rows: Row[]) => Promise<unknown>): void {
    const rows = this.local<Row[]>(`${key}:rows`, () => []);
    rows.push(row);
    if (rows.length > 1) return;
    this.beforeCommit(key, async () => {
      await write(rows.splice(0));
    });
  }

  /**
   * The rows under `scope` (a table, as one use case sees it) for this transaction, made on first use:
   * `lock(key)` takes the row of every event the transaction handles (`keyOf` each) with one `lockMany`,
   * then finds them in memory; `add(key, row)` makes a row the transaction creates visible to `lock`
   * before it is written. See `LockedRows`.
   */
  lockForEvents<Row>(
    scope: string,
    keyOf: (event: AnyEvent) => string | undefined,
    lockMany: (keys: string[]) => Promise<Map<string, Row>>,
  ): LockedRows<Row> {
    return this.local(`${scope}:locked`, () => new LockedRows<Row>(() => this.handled, keyOf, lockMany));
  }

  /** Runs `work` once the transaction has committed; never if it rolls back. */
  afterCommit(work: () => void): void {
    // In the trace of whoever asked for it (a message's span), not of the batch that commits it.
    this.afterCommitWork.push(this.tracing.bindToActive(work));
  }

  /** Called by the outbox for every event it writes in this transaction. */
  addWrittenEvent(event: PublishableEvent): void {
    this.events.push(event);
  }

  /** Outbox events written so far, in the order they were written. */
  get writtenEvents(): readonly PublishableEvent[] {
    return this.events;
  }

  /** @internal Database.transaction: the before-commit work, including work that work asks for. */
  async runBeforeCommit(): Promise<void> {
    while (this.beforeCommitWork.size > 0) {
      const [key, work] = this.beforeCommitWork.entries().next().value as [string, () => Promise<void>];
      this.beforeCommitWork.delete(key);
      await work();
    }
  }

  /** @internal Database.transaction: after COMMIT. */
  runAfterCommit(): void {
    for (const work of this.afterCommitWork) work();
  }
}
