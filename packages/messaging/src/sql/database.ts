import { Inject, Injectable } from '@nestjs/common';
import type { QueryResultRow } from 'pg';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { TransactionPool } from './database-pools';
import { SqlClient, SqlTransaction, type SqlExecutor } from './sql-transaction';
import { StatementNames } from './statement-names';

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

  constructor(
    @Inject(TransactionPool) private readonly pool: TransactionPool,
    private readonly relay: OutboxRelay,
  ) {
    this.outsideTransactions = new SqlClient(pool, this.names);
  }

  /** One statement outside any transaction (a read that needs one snapshot only). */
  query<T extends QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]> {
    return this.outsideTransactions.query<T>(text, values);
  }

  execute(text: string, values?: unknown[]): Promise<number> {
    return this.outsideTransactions.execute(text, values);
  }

  /** Runs `work` in one transaction: committed if it resolves, rolled back (and rethrown) if it throws. */
  async transaction<R>(work: (tx: SqlTransaction) => Promise<R>): Promise<R> {
    const client = await this.pool.connect();
    const tx = new SqlTransaction(client, this.names);
    let result: R;
    try {
      await client.query('BEGIN');
      result = await work(tx);
      await tx.runBeforeCommit();
      await client.query('COMMIT');
    } catch (error) {
      const rolledBack = await client.query('ROLLBACK').then(
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
}
