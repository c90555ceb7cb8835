import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Client } from 'pg';
import { DatabasePool } from '../database-pool';
import { Headers } from '../headers';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { traceparentFor } from '../trace-context';
import { OUTBOX_CHANNEL } from './outbox.service';

interface OutboxRow {
  id: string;
  routing_key: string;
  envelope: { type: string; version: number; correlationId: string; occurredAt: string; source: string };
}

/**
 * Publishes outbox rows to the broker and marks them published.
 *
 * - Right after commit: every outbox write issues NOTIFY, delivered by PostgreSQL when (and only when)
 *   the writing transaction commits; the relay LISTENs and flushes at once.
 * - After a crash: a periodic sweep (and one at start) flushes whatever is still unpublished.
 * - Several replicas: rows are claimed with FOR UPDATE SKIP LOCKED and stay locked until marked
 *   published, so two relays never publish the same row; a relay that dies mid-batch releases its
 *   rows (transaction rolled back) and they are published again, at least once, by the next flush.
 * - Each message is published persistent on a confirm channel; a row counts as published only once the
 *   broker has confirmed it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener: Client | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private flushAgain = false;
  private stopped = false;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly pool: DatabasePool,
    private readonly amqp: AmqpConnection,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    void this.listen();
    this.sweepTimer = setInterval(() => this.requestFlush(), this.options.outbox.sweepIntervalMs);
    this.sweepTimer.unref();
    this.requestFlush();
  }

  /** Stops listening and sweeping, then publishes what is left. Called once consumers have drained. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.sweepTimer);
    clearTimeout(this.reconnectTimer);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
    await this.running;
    await this.flushOnce().catch(() => undefined);
  }

  /** Flushes now, or right after the flush in progress (coalesces bursts of notifications). */
  requestFlush(): void {
    if (this.running) {
      this.flushAgain = true;
      return;
    }
    this.running = this.flushUntilEmpty().finally(() => {
      this.running = undefined;
    });
  }

  /** Unpublished rows, for health and tests. */
  async backlog(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM outbox_message WHERE published_at IS NULL',
    );
    return Number(rows[0]?.n ?? 0);
  }

  private async flushUntilEmpty(): Promise<void> {
    do {
      this.flushAgain = false;
      try {
        while ((await this.flushOnce()) === this.options.outbox.batchSize) {
          // a full batch: there may be more
        }
      } catch (error) {
        // Database or broker unavailable: the rows stay unpublished and the next sweep retries.
        this.logger.warn({ msg: 'outbox flush failed', error: (error as Error).message });
        return;
      }
    } while (this.flushAgain && !this.stopped);
  }

  /** Publishes one batch of claimed rows; returns how many rows it claimed. */
  private async flushOnce(): Promise<number> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, routing_key, envelope FROM outbox_message
          WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.options.outbox.batchSize],
      );
      const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
      const published = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((row) => row.id);
      const failed = rows.flatMap((row, i) => {
        const result = results[i];
        return result?.status === 'rejected' ? [{ id: row.id, error: String(result.reason) }] : [];
      });
      if (published.length) {
        await client.query('UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::uuid[])', [published]);
      }
      for (const { id, error } of failed) {
        await client.query('UPDATE outbox_message SET attempts = attempts + 1, last_error = $2 WHERE id = $1', [
          id,
          error.slice(0, 1000),
        ]);
      }
      await client.query('COMMIT');
      if (failed.length) throw new Error(`${failed.length} outbox message(s) not confirmed: ${failed[0]?.error}`);
      return rows.length;
    } catch (error) {
      broken = error as Error;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A client that failed is destroyed rather than returned to the pool: it may be disconnected.
      client.release(broken);
    }
  }

  private async publish(row: OutboxRow): Promise<void> {
    const { envelope } = row;
    const confirmed = await this.amqp.publish(
      this.options.exchange,
      row.routing_key,
      Buffer.from(JSON.stringify(envelope)),
      {
        persistent: true,
        messageId: row.id,
        type: envelope.type,
        correlationId: envelope.correlationId,
        timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
        contentType: 'application/json',
        contentEncoding: 'utf-8',
        appId: envelope.source,
        headers: {
          [Headers.traceparent]: traceparentFor(envelope.correlationId),
          'x-loja-event-version': envelope.version,
        },
        timeout: this.options.outbox.publishTimeoutMs,
      } as Parameters<AmqpConnection['publish']>[3],
    );
    if (confirmed === false) throw new Error('broker did not confirm the message');
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({
      connectionString: this.options.databaseUrl,
      application_name: `${this.options.service}-outbox-listener`,
    });
    let retrying = false;
    const retry = () => {
      if (retrying) return;
      retrying = true;
      if (this.listener === client) this.listener = undefined;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => void this.listen(), 1000);
      this.reconnectTimer.unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', () => this.requestFlush());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
      // Anything committed while we were not listening is picked up now.
      this.requestFlush();
    } catch {
      retry();
    }
  }
}
