import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type DataOf, type EventDefinition, type EventOf } from '@loja/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { RelayPool } from '../sql/database-pools';
import type { SqlTransaction } from '../sql/sql-transaction';
import { Tracing } from '../tracing/tracing';
import type { PublishableEvent } from './publishable-event';
import { publicationPlan } from './published-versions';
import { relayLeaseSeconds } from './relay-lease';

export type OutboxMetadata =
  | { correlationId: string; causationId?: string | null }
  /** The event handled when this one was caused: copies its correlation id, uses its id as causation. */
  | { causedBy: { id: string; correlationId: string } };

const INSERT_OUTBOX_ROWS = `INSERT INTO outbox_message (id, routing_key, type, envelope, traceparent, claimed_until)
  SELECT id, routing_key, type, envelope, traceparent, now() + make_interval(secs => $5)
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $6::text[])
    AS row(id, routing_key, type, envelope, traceparent)`;

/**
 * Writes events into the service's outbox table inside the caller's transaction. Nothing is sent
 * here: once the transaction commits, this process's relay publishes the rows it wrote (see
 * OutboxRelay). The row is written already claimed by this process for a lease, so another relay's
 * sweep leaves it alone unless this process dies before publishing it.
 *
 * The rows of a transaction are written together, in one statement sent with its COMMIT: a batch of
 * messages whose handlers add forty events costs no round trip of its own, not forty.
 */
@Injectable()
export class OutboxService {
  /** Events added in each open transaction and not written yet. */
  private readonly unwritten = new WeakMap<SqlTransaction, Array<{ event: PublishableEvent; json: string }>>();

  /** The events this service publishes in an earlier version than the latest, and how (rollouts). */
  private readonly olderVersions: ReturnType<typeof publicationPlan>;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly tracing: Tracing,
    @Inject(RelayPool) private readonly pool: RelayPool,
  ) {
    this.olderVersions = publicationPlan(options.publishVersions);
  }

  async add<D extends EventDefinition>(
    tx: SqlTransaction,
    definition: D,
    data: DataOf<D>,
    metadata: OutboxMetadata,
  ): Promise<EventOf<D>> {
    const links =
      'causedBy' in metadata
        ? { correlationId: metadata.causedBy.correlationId, causationId: metadata.causedBy.id }
        : metadata;
    // Validated here, once: the relay publishes these bytes as they are.
    const event = createEvent(definition, data, { source: this.options.service, ...links });
    // During a rollout the event goes out in the version configured, downcast (and validated as that).
    const older = this.olderVersions.get(definition.type);
    const published = older
      ? createEvent(older.definition, older.convert(event.data) as never, {
          source: event.source,
          correlationId: event.correlationId,
          causationId: event.causationId,
          id: event.id,
          occurredAt: new Date(event.occurredAt),
        })
      : event;
    const json = JSON.stringify(published);
    const publishable: PublishableEvent = {
      id: event.id,
      routingKey: definition.routingKey,
      type: definition.type,
      version: published.version,
      correlationId: event.correlationId,
      source: event.source,
      occurredAt: event.occurredAt,
      body: Buffer.from(json),
      // The span adding it (a request, a handled message): the relay's publish continues it.
      traceparent: this.tracing.activeTraceparent(),
    };
    const unwritten = this.unwritten.get(tx) ?? [];
    unwritten.push({ event: publishable, json });
    this.unwritten.set(tx, unwritten);
    tx.addWrittenEvent(publishable);
    // Asked again at every add, so it runs after any other before-commit work that adds events.
    tx.beforeCommit(OUTBOX_WRITE, () => this.write(tx));
    return event;
  }

  /**
   * The trace an event this service wrote belongs to: the `traceparent` kept with its row (null when
   * tracing was off, or once retention removed the row). Read outside any transaction.
   */
  async traceparentOf(eventId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ traceparent: string | null }>(
      'SELECT traceparent FROM outbox_message WHERE id = $1::uuid',
      [eventId],
    );
    return rows[0]?.traceparent ?? null;
  }

  private async write(tx: SqlTransaction): Promise<void> {
    const rows = this.unwritten.get(tx) ?? [];
    this.unwritten.delete(tx);
    if (rows.length === 0) return;
    await tx.executeAtCommit(INSERT_OUTBOX_ROWS, [
      rows.map((row) => row.event.id),
      rows.map((row) => row.event.routingKey),
      rows.map((row) => row.event.type),
      rows.map((row) => row.json),
      relayLeaseSeconds(this.options),
      rows.map((row) => row.event.traceparent),
    ]);
  }
}

const OUTBOX_WRITE = 'loja.outbox.write';
