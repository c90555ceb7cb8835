import { Inject, Injectable } from '@nestjs/common';
import type { Context } from '@opentelemetry/api';
import type { QueryResultRow } from 'pg';
import { MessageBatcher } from '../batching/message-batcher';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { Tracing } from '../tracing/tracing';
import { TransactionPool } from './database-pools';
import { SqlClient, SqlTransaction, type SqlExecutor } from './sql-transaction';
import { StatementNames } from './statement-names';

/** For the rest of the transaction: set_config(..., true) is SET LOCAL. */
const INDEX_SCANS_ONLY =
  "SELECT set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)";

/**
 * The service's database on the per-message and per-request paths: plain node-postgres with named
 * prepared statements. (Prisma stays the schema and migration tool, and the client of the paths that
 * are not hot; an interactive Prisma transaction costs about five times the CPU of this one.)
 *
 *   await database.transaction(async (tx) => {
 *     await tx.execute('UPDATE "order" SET status = $2 WHERE id = $1', [id, status]);
 *     await outbox.add(tx, PedidoCancelado, { orderId: id, reason }, { correlationId: id });
 *   });
 *
 * After COMMIT the relay publishes the events the transaction wrote, and its after-commit work runs.
 */
@Injectable()
export class Database implements SqlExecutor {
  private readonly names = new StatementNames();
  private readonly outsideTransactions: SqlClient;
  private readonly shared: MessageBatcher<SharedWork>;

  constructor(
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    @Inject(TransactionPool) private readonly pool: TransactionPool,
    private readonly relay: OutboxRelay,
    private readonly tracing: Tracing,
  ) {
    this.outsideTransactions = new SqlClient(pool, this.names);
    this.shared = new MessageBatcher(options.batchSize, (works) => {
      const done = this.runShared(works);
      return works.map(() => done);
    });
  }

  /** One statement outside any transaction (a read that needs one snapshot only). */
  query<T extends QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> {
    return this.outsideTransactions.query<T>(text, values);
  }

  execute(text: string, values?: unknown[]): Promise<number> {
    return this.outsideTransactions.execute(text, values);
  }

  /**
   * One statement planned with index scans only, whatever the planner's statistics say: for frequent
   * reads (or claims) over an index whose entries die fast. Each update of an indexed column leaves a
   * dead entry until vacuum comes by. An index scan marks the dead entries it meets, so the next one
   * skips them; a bitmap scan revisits them all every time, and a sequential scan reads the whole
   * table. On a young table's statistics the planner picks one of those two. (The relay's own pool
   * turns bitmap scans off for all its connections: see RelayPool.)
   */
  queryWithIndexScans<T extends QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<T[]> {
    return this.transaction(async (tx) => {
      await tx.query(INDEX_SCANS_ONLY);
      return tx.query<T>(text, values);
    });
  }

  /** Runs `work` in one transaction: committed if it resolves, rolled back (and rethrown) if it throws. */
  async transaction<R>(work: (tx: SqlTransaction) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    const tx = new SqlTransaction(client, this.names, this.tracing);
    let result: R;
    try {
      result = await work(tx);
      await tx.runBeforeCommit();
      await tx.commit();
    } catch (error) {
      const rolledBack = await (tx.hasBegun ? client.query('ROLLBACK') : Promise.resolve()).then(
        () => true,
        () => false,
      );
      // A connection that could not even roll back is broken: drop it rather than pool it.
      client.release(rolledBack ? undefined : true);
      throw error;
    }
    client.release();
    if (tx.writtenEvents.length > 0) this.relay.publishCommitted(tx.writtenEvents);
    tx.runAfterCommit();
    return result;
  }

  /**
   * Like `transaction`, but `work` may share its transaction with other calls made at the same time
   * (group commit): under load, the requests that arrive while one transaction runs are written
   * together in the next one, with one COMMIT and one disk flush for all. Each caller still gets its
   * own result or error: when a `work` throws, the transaction rolls back, that caller gets the error,
   * and the others run again together without it. `work` must therefore only write through `tx` (and
   * use `tx.afterCommit` for anything else), exactly as a message handler does.
   */
  sharedTransaction<R>(work: (tx: SqlTransaction) => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      void this.shared.submit({
        // Run later, in a transaction another caller may have started: in this caller's trace.
        work: this.tracing.bindToActive(work),
        resolve: resolve as (value: unknown) => void,
        reject,
        caller: this.tracing.activeContext(),
      });
    });
  }

  private runShared(works: SharedWork[]): Promise<void> {
    // One caller alone: its transaction is its own. Several: the statements they share belong to none.
    return works.length === 1
      ? this.tracing.inContext(works[0]!.caller, () => this.runTogether(works))
      : this.tracing.detached(() => this.runTogether(works));
  }

  private async runTogether(works: SharedWork[]): Promise<void> {
    let remaining = works;
    while (remaining.length > 1) {
      const results: unknown[] = [];
      let culprit: { work: SharedWork; error: unknown } | undefined;
      try {
        await this.transaction(async (tx) => {
          for (const shared of remaining) {
            try {
              results.push(await shared.work(tx));
            } catch (error) {
              culprit = { work: shared, error };
              throw error;
            }
          }
        });
        remaining.forEach((shared, i) => shared.resolve(results[i]));
        return;
      } catch {
        if (!culprit) break; // nobody's work threw (COMMIT itself failed): each runs alone below
        culprit.work.reject(culprit.error);
        const failed = culprit.work;
        remaining = remaining.filter((shared) => shared !== failed);
      }
    }
    await Promise.all(remaining.map((shared) => this.transaction(shared.work).then(shared.resolve, shared.reject)));
  }
}

/** A caller of sharedTransaction, waiting for its turn. */
interface SharedWork {
  work: (tx: SqlTransaction) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** The caller's trace context, while tracing is on. */
  caller: Context | undefined;
}
