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
 * - Several replicas: a relay claims a batch (FOR UPDATE SKIP LOCKED, then a lease of twice the publish
 *   timeout in claimed_until), so two live relays never publish the same row; the rows of a relay that
 *   dies mid-batch are published again, at least once, when the lease expires.
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
    this.sweepTimer = setInterval(() => void this.requestFlush(), this.options.outbox.sweepIntervalMs);
    this.sweepTimer.unref();
    void this.requestFlush();
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

  /**
   * Flushes now, or right after the flush in progress (coalesces bursts of notifications). The promise
   * settles when no flush is left to do.
   */
  requestFlush(): Promise<void> {
    if (this.running) {
      this.flushAgain = true;
      return this.running;
    }
    this.running = this.flushUntilEmpty().finally(() => {
      this.running = undefined;
    });
    return this.running;
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

  /**
   * Publishes one batch; returns how many rows it claimed. Two statements, each its own transaction:
   * claim a batch (a lease, so no transaction stays open while the broker confirms), then mark what the
   * broker confirmed as published. A row whose publish failed is released at once for the next flush.
   */
  private async flushOnce(): Promise<number> {
    const leaseSeconds = Math.ceil((2 * this.options.outbox.publishTimeoutMs) / 1000);
    const { rows } = await this.pool.query<OutboxRow & { seq: string }>(
      `UPDATE outbox_message SET claimed_until = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM outbox_message
                      WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, seq, routing_key, envelope`,
      [this.options.outbox.batchSize, leaseSeconds],
    );
    if (rows.length === 0) return 0;
    // RETURNING has no order: publish in the order the events were written.
    rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
    const published = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((row) => row.id);
    const failed = rows.flatMap((row, i) => {
      const result = results[i];
      return result?.status === 'rejected' ? [{ id: row.id, error: String(result.reason) }] : [];
    });
    if (published.length) {
      await this.pool.query(
        'UPDATE outbox_message SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::uuid[])',
        [published],
      );
    }
    for (const { id, error } of failed) {
      await this.pool.query(
        'UPDATE outbox_message SET attempts = attempts + 1, last_error = $2, claimed_until = NULL WHERE id = $1',
        [id, error.slice(0, 1000)],
      );
    }
    if (failed.length) throw new Error(`${failed.length} outbox message(s) not confirmed: ${failed[0]?.error}`);
    return rows.length;
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
    client.on('notification', () => void this.requestFlush());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
      // Anything committed while we were not listening is picked up now.
      void this.requestFlush();
    } catch {
      retry();
    }
  }
}
