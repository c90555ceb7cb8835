import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type DataOf, type EventDefinition, type EventOf } from '@loja/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import type { SqlTransaction } from '../sql/sql-transaction';
import { relayLeaseSeconds } from './relay-lease';

export type OutboxMetadata =
  | { correlationId: string; causationId?: string | null }
  /** The event handled when this one was caused: copies its correlation id, uses its id as causation. */
  | { causedBy: { id: string; correlationId: string } };

const INSERT_OUTBOX_ROW = `INSERT INTO outbox_message (id, routing_key, type, envelope, claimed_until)
  VALUES ($1::uuid, $2, $3, $4::jsonb, now() + make_interval(secs => $5))`;

/**
 * Writes events into the service's outbox table inside the caller's transaction. Nothing is sent
 * here: once the transaction commits, this process's relay publishes the rows it wrote (see
 * OutboxRelay). The row is written already claimed by this process for a lease, so another relay's
 * sweep leaves it alone unless this process dies before publishing it.
 */
@Injectable()
export class OutboxService {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

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
    const json = JSON.stringify(event);
    await tx.execute(INSERT_OUTBOX_ROW, [
      event.id,
      definition.routingKey,
      definition.type,
      json,
      relayLeaseSeconds(this.options),
    ]);
    tx.addWrittenEvent({
      id: event.id,
      routingKey: definition.routingKey,
      type: definition.type,
      version: definition.version,
      correlationId: event.correlationId,
      source: event.source,
      occurredAt: event.occurredAt,
      body: Buffer.from(json),
    });
    return event;
  }
}
