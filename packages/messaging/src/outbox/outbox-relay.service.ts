import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Headers } from '../headers';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { RelayPool } from '../sql/database-pools';
import { formatTraceparent, traceparentFor } from '../tracing/traceparent';
import { failed, Tracing } from '../tracing/tracing';
import { CoalescingWriter } from '../batching/coalescing-writer';
import type { PublishableEvent } from './publishable-event';
import { relayLeaseSeconds } from './relay-lease';
import { publishBackoffMs } from './publish-backoff';

interface OutboxRow {
  id: string;
  seq: bigint;
  routing_key: string;
  attempts: number;
  traceparent: string | null;
  envelope: { type: string; version: number; correlationId: string; occurredAt: string; source: string };
}

/** Least time between two "published" statements of one relay. */
const MARK_INTERVAL_MS = 50;

/** How far behind the relay is: what Orders refuses new work on, and what health reports. */
export interface OutboxLag {
  /** Rows not yet confirmed by the broker. */
  backlog: number;
  /** Age of the oldest of them, 0 when there is none. */
  oldestAgeMs: number;
}

const CLAIM_DUE_ROWS = `UPDATE outbox_message SET claimed_until = now() + make_interval(secs => $2)
  WHERE id IN (SELECT id FROM outbox_message
                WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING id, seq, routing_key, attempts, traceparent, envelope`;
const MARK_PUBLISHED = `UPDATE outbox_message SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::uuid[])`;
const BACK_OFF = `UPDATE outbox_message
  SET attempts = attempts + 1, last_error = $2, claimed_until = now() + make_interval(secs => $3)
  WHERE id = ANY($1::uuid[])`;
/**
 * One range of the (published_at, seq) index: the unpublished rows only. (The oldest of them by
 * `ORDER BY seq LIMIT 1` walked the seq index through every published row kept, filtering: a cost
 * that grew with the table, four times a second for Orders' admission.)
 */
export const OUTBOX_LAG = `SELECT count(*)::int AS backlog,
    COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)) * 1000, 0)::float8 AS oldest_age_ms
  FROM outbox_message WHERE published_at IS NULL`;

/**
 * Publishes outbox rows to the broker and marks them published.
 *
 * - Right after commit: `Database.transaction` hands over the events the transaction wrote, with the
 *   envelope bytes already serialised; they are published at once (no query to find them) and marked
 *   published together with those of other commits, one asynchronous statement at a time.
 * - Refused publishes (a full queue rejects them, or the broker is away) are back-pressure: the rows
 *   stay, their lease is set to a growing back-off, and the sweep publishes them when it ends.
 * - After a crash: a periodic sweep (and one at start) claims the rows whose lease expired or that
 *   were never claimed (FOR UPDATE SKIP LOCKED, then a lease), so replicas never publish a row twice
 *   while both live, and a dead relay's rows are published again, at least once.
 * - Each message is published persistent on a confirm channel; a row counts as published only once the
 *   broker has confirmed it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OutboxRelay.name);
  private readonly marks: CoalescingWriter<string>;
  private readonly inFlight = new Set<Promise<void>>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = true;
  /** Consecutive sweeps that met a refusal: the next one waits longer. */
  private refusals = 0;
  private readonly published: Counter;
  private readonly refused: Counter;
  private readonly confirmSeconds: Histogram;
  /** The lag query of the scrape in progress: the backlog and age gauges share it. */
  private scrapeLag: Promise<OutboxLag | undefined> | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(RelayPool) private readonly pool: RelayPool,
    private readonly amqp: AmqpConnection,
    private readonly tracing: Tracing,
    @Inject(Registry) registry: Registry,
  ) {
    this.published = new Counter({
      name: 'loja_outbox_published_total',
      help: 'Outbox events the broker confirmed.',
      registers: [registry],
    });
    this.refused = new Counter({
      name: 'loja_outbox_publish_refused_total',
      help: 'Publishes refused or unconfirmed (a full queue, the broker away); the rows are published later.',
      registers: [registry],
    });
    this.confirmSeconds = new Histogram({
      name: 'loja_outbox_publish_confirm_seconds',
      help: 'Time from publishing an outbox event to the broker’s confirm.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    // Read when Prometheus scrapes, by one indexed query, never per message.
    const lagForScrape = () => this.lagForScrape();
    new Gauge({
      name: 'loja_outbox_backlog',
      help: 'Outbox events not yet confirmed by the broker.',
      registers: [registry],
      async collect() {
        const lag = await lagForScrape();
        if (lag) this.set(lag.backlog);
      },
    });
    new Gauge({
      name: 'loja_outbox_oldest_age_seconds',
      help: 'Age of the oldest outbox event not yet confirmed, 0 when there is none.',
      registers: [registry],
      async collect() {
        const lag = await lagForScrape();
        if (lag) this.set(lag.oldestAgeMs / 1000);
      },
    });
    // Marks wait a little to share a statement: until marked, the rows' lease keeps sweeps off them.
    this.marks = new CoalescingWriter(
      async (ids) => {
        await this.pool.query(MARK_PUBLISHED, [ids]);
      },
      (error) => this.logger.warn({ msg: 'could not mark events published', error: error.message }),
      MARK_INTERVAL_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.scheduleSweep(0);
  }

  /** Stops sweeping, waits for the publishes in flight, then publishes what is left. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    await this.sweeping;
    await Promise.allSettled([...this.inFlight]);
    await this.marks.flushed().catch(() => undefined);
    await this.sweepOnce().catch(() => undefined);
    await this.marks.flushed().catch(() => undefined);
  }

  /** Publishes the events of a transaction that just committed. */
  publishCommitted(events: readonly PublishableEvent[]): void {
    // Each publish span has its own parent (the row's traceparent); the marks and back-offs that follow
    // serve many events, and belong to none of their traces.
    const work: Promise<void> = this.tracing
      .detached(() => this.publishAll(events))
      .then(() => undefined)
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  /** Sweeps now (tests, and a relay that should not wait for its timer). Settles when it is done. */
  async sweepNow(): Promise<void> {
    while (this.sweeping) await this.sweeping;
    const run = this.sweep();
    this.sweeping = run;
    await run.finally(() => {
      if (this.sweeping === run) this.sweeping = undefined;
    });
  }

  async lag(): Promise<OutboxLag> {
    const { rows } = await this.pool.query<{ backlog: number; oldest_age_ms: number }>(OUTBOX_LAG);
    return { backlog: rows[0]?.backlog ?? 0, oldestAgeMs: Math.round(rows[0]?.oldest_age_ms ?? 0) };
  }

  /** One lag query per scrape; a database that does not answer leaves the gauges as they were. */
  private lagForScrape(): Promise<OutboxLag | undefined> {
    this.scrapeLag ??= this.lag()
      .catch(() => undefined)
      .finally(() => (this.scrapeLag = undefined));
    return this.scrapeLag;
  }

  /** Publishes `events` in parallel (the channel keeps their order); returns how many were refused. */
  private async publishAll(events: readonly PublishableEvent[], attempts = 0): Promise<number> {
    const results = await Promise.allSettled(events.map((event) => this.publish(event)));
    const refused: string[] = [];
    let reason = '';
    results.forEach((result, i) => {
      const id = events[i]!.id;
      if (result.status === 'fulfilled') this.marks.add(id);
      else {
        refused.push(id);
        reason ||= String((result.reason as Error)?.message ?? result.reason);
      }
    });
    this.published.inc(events.length - refused.length);
    if (refused.length > 0) {
      this.refused.inc(refused.length);
      await this.backOff(refused, reason, attempts);
    }
    return refused.length;
  }

  /** Leaves refused rows unpublished until a back-off has passed, then lets the sweep take them. */
  private async backOff(ids: string[], reason: string, attempts: number): Promise<void> {
    const delayMs = publishBackoffMs(attempts);
    this.logger.warn({ msg: 'publish refused, backing off', events: ids.length, delayMs, error: reason });
    await this.pool.query(BACK_OFF, [ids, reason.slice(0, 1000), delayMs / 1000]).catch((error: Error) => {
      // The lease they were written with expires anyway, and the sweep takes them then.
      this.logger.warn({ msg: 'could not record the back-off', error: error.message });
    });
    this.scheduleSweep(delayMs);
  }

  private scheduleSweep(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => {
      if (this.sweeping) return; // the sweep running schedules the next one when it ends
      this.sweeping = this.sweep().finally(() => {
        this.sweeping = undefined;
        this.scheduleSweep(this.refusals > 0 ? publishBackoffMs(this.refusals) : this.options.outbox.sweepIntervalMs);
      });
    }, delayMs);
    this.sweepTimer.unref();
  }

  private async sweep(): Promise<void> {
    try {
      while (!this.stopped && (await this.sweepOnce()) === this.options.outbox.batchSize) {
        // a full batch: there may be more
      }
    } catch (error) {
      // Database unavailable: the rows stay unpublished and the next sweep retries.
      this.logger.warn({ msg: 'outbox sweep failed', error: (error as Error).message });
    }
  }

  /** Claims and publishes one batch of rows nobody is publishing; returns how many it claimed. */
  private async sweepOnce(): Promise<number> {
    const { rows } = await this.pool.query<OutboxRow>(CLAIM_DUE_ROWS, [
      this.options.outbox.batchSize,
      relayLeaseSeconds(this.options),
    ]);
    if (rows.length === 0) {
      this.refusals = 0;
      return 0;
    }
    // RETURNING has no order: publish in the order the events were written.
    rows.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    const events = rows.map(toPublishable);
    const attempts = Math.max(...rows.map((row) => row.attempts));
    const refused = await this.publishAll(events, attempts + 1);
    this.refusals = refused > 0 ? this.refusals + 1 : 0;
    // A refused batch stops this sweep: the back-off decides when the next one runs.
    return refused > 0 ? 0 : rows.length;
  }

  private async publish(event: PublishableEvent): Promise<void> {
    const span = this.tracing.startPublish(event, this.options.exchange);
    if (!span) return this.send(event, traceparentFor(event.correlationId));
    try {
      await this.send(event, formatTraceparent(span.spanContext()));
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** One message on the confirm channel; resolves once the broker confirmed it. */
  private async send(event: PublishableEvent, traceparent: string): Promise<void> {
    const started = performance.now();
    const confirmed = await this.amqp.publish(this.options.exchange, event.routingKey, event.body, {
      persistent: true,
      messageId: event.id,
      type: event.type,
      correlationId: event.correlationId,
      timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      appId: event.source,
      headers: {
        [Headers.traceparent]: traceparent,
        [Headers.eventVersion]: event.version,
      },
      timeout: this.options.outbox.publishTimeoutMs,
    } as Parameters<AmqpConnection['publish']>[3]);
    if (confirmed === false) throw new Error('broker did not confirm the message');
    this.confirmSeconds.observe((performance.now() - started) / 1000);
  }
}

function toPublishable(row: OutboxRow): PublishableEvent {
  const { envelope } = row;
  return {
    id: row.id,
    routingKey: row.routing_key,
    type: envelope.type,
    version: envelope.version,
    correlationId: envelope.correlationId,
    source: envelope.source,
    occurredAt: envelope.occurredAt,
    body: Buffer.from(JSON.stringify(envelope)),
    traceparent: row.traceparent,
  };
}
