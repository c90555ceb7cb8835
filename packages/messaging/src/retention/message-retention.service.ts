import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { RecurringSweep } from '../batching/recurring-sweep';
import { MESSAGING_OPTIONS, type MessagingOptions, type RetentionOptions } from '../messaging.options';
import { TransactionPool } from '../sql/database-pools';
import { checkInboxWindow } from './inbox-window';

/** The advisory lock a retention run holds in each of its transactions: one replica at a time deletes. */
export const RETENTION_LOCK = 'loja.messaging.retention';

const TRY_LOCK = `SELECT pg_try_advisory_xact_lock(hashtext('${RETENTION_LOCK}')) AS locked`;

// One batch each: the rows' ctids first (LIMIT, and SKIP LOCKED so a row another transaction holds is
// left for the next run instead of waited for), then a TID scan deletes just those.
// Outbox: `published_at < …` is a range of the (published_at, seq) index the relay already has; NULL
// (unpublished) is never in it. Inbox: the handled_at index (migration inbox_handled_at_idx).
const DELETE_PUBLISHED_OUTBOX = `DELETE FROM outbox_message WHERE ctid = ANY(ARRAY(
  SELECT ctid FROM outbox_message WHERE published_at < now() - make_interval(secs => $1)
  LIMIT $2 FOR UPDATE SKIP LOCKED))`;
const DELETE_HANDLED_INBOX = `DELETE FROM inbox_message WHERE ctid = ANY(ARRAY(
  SELECT ctid FROM inbox_message WHERE handled_at < now() - make_interval(secs => $1)
  LIMIT $2 FOR UPDATE SKIP LOCKED))`;

export interface TableRetention {
  deleted: number;
  /** DELETE statements, each its own transaction. */
  batches: number;
}

export interface RetentionRun {
  outbox: TableRetention;
  inbox: TableRetention;
  /** Another replica held the lock: this run stopped and left the rest to it. */
  skipped: boolean;
}

/**
 * Deletes what no longer needs keeping, so messaging's tables stop growing with traffic: published
 * outbox rows older than `MESSAGING_OUTBOX_RETENTION_MS` and inbox rows older than
 * `MESSAGING_INBOX_RETENTION_MS`, every `MESSAGING_RETENTION_INTERVAL_MS` (and once at start).
 *
 * Rows go in batches of `MESSAGING_RETENTION_BATCH_SIZE`, each batch one short transaction, until a
 * batch finds fewer: no long lock, no long transaction holding back vacuum, and a shutdown waits for
 * one batch at most. Each transaction takes an advisory try-lock first; a replica that does not get
 * it stops its run, so replicas never delete side by side. Per-message paths are not involved.
 */
@Injectable()
export class MessageRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MessageRetention.name);
  private readonly settings: RetentionOptions;
  private readonly sweeps: RecurringSweep | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) options: MessagingOptions,
    @Inject(TransactionPool) private readonly pool: TransactionPool,
  ) {
    checkInboxWindow(options);
    this.settings = options.retention;
    if (this.settings.intervalMs > 0) {
      this.sweeps = new RecurringSweep(() => this.scheduledRun(), this.settings.intervalMs);
    }
  }

  onApplicationBootstrap(): void {
    this.sweeps?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps?.stop();
  }

  /** One run now, whatever the schedule (tests, operators); settles with what it deleted. */
  sweepNow(): Promise<RetentionRun> {
    return this.run(() => false);
  }

  private async scheduledRun(): Promise<void> {
    try {
      const run = await this.run(() => this.sweeps?.isStopped ?? true);
      if (run.outbox.deleted + run.inbox.deleted > 0) {
        this.logger.log({ msg: 'deleted messages past retention', outbox: run.outbox, inbox: run.inbox });
      }
    } catch (error) {
      // Database away: nothing is lost by waiting, the next run deletes what this one did not.
      this.logger.warn({ msg: 'retention sweep failed', error: (error as Error).message });
    }
  }

  private async run(stopped: () => boolean): Promise<RetentionRun> {
    const run: RetentionRun = { outbox: { deleted: 0, batches: 0 }, inbox: { deleted: 0, batches: 0 }, skipped: false };
    const tables = [
      { table: run.outbox, statement: DELETE_PUBLISHED_OUTBOX, ageMs: this.settings.outboxRetentionMs },
      { table: run.inbox, statement: DELETE_HANDLED_INBOX, ageMs: this.settings.inboxRetentionMs },
    ];
    for (const { table, statement, ageMs } of tables) {
      while (!stopped()) {
        const deleted = await this.deleteBatch(statement, ageMs);
        if (deleted === undefined) return { ...run, skipped: true };
        table.batches++;
        table.deleted += deleted;
        if (deleted < this.settings.batchSize) break;
      }
    }
    return run;
  }

  /** Deletes one batch in its own transaction; undefined when another replica holds the lock. */
  private async deleteBatch(statement: string, ageMs: number): Promise<number | undefined> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      // A delete lost in a database crash is only done again by the next run: spare the disk flush.
      await client.query('SET LOCAL synchronous_commit = off');
      const { rows } = await client.query<{ locked: boolean }>(TRY_LOCK);
      if (!rows[0]?.locked) {
        await client.query('ROLLBACK');
        return undefined;
      }
      const { rowCount } = await client.query(statement, [ageMs / 1000, this.settings.batchSize]);
      await client.query('COMMIT');
      return rowCount ?? 0;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(
        () => false,
        () => true,
      );
      throw error;
    } finally {
      // A connection that could not even roll back is dropped rather than pooled.
      client.release(broken || undefined);
    }
  }
}
