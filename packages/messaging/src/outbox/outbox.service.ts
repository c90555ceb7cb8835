import { Inject, Injectable } from '@nestjs/common';
import { createEvent, type DataOf, type EventDefinition, type EventOf } from '@loja/contracts';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import type { SqlExecutor } from '../transaction';

export const OUTBOX_CHANNEL = 'loja_outbox';

export type OutboxMetadata =
  | { correlationId: string; causationId?: string | null }
  /** The event handled when this one was caused: copies its correlation id, uses its id as causation. */
  | { causedBy: { id: string; correlationId: string } };

/**
 * Writes events into the service's outbox table inside the caller's transaction. Nothing is sent
 * here: the relay publishes the rows once the transaction commits (PostgreSQL delivers the NOTIFY
 * issued below only on commit, and never if it rolls back).
 */
@Injectable()
export class OutboxService {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions) {}

  async add<D extends EventDefinition>(
    tx: SqlExecutor,
    definition: D,
    data: DataOf<D>,
    metadata: OutboxMetadata,
  ): Promise<EventOf<D>> {
    const links =
      'causedBy' in metadata
        ? { correlationId: metadata.causedBy.correlationId, causationId: metadata.causedBy.id }
        : metadata;
    const event = createEvent(definition, data, { source: this.options.service, ...links });
    // One round trip: the row and its NOTIFY in a single statement (every statement is a round trip
    // to PostgreSQL, and a consumed event may write several outbox rows).
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox_message (id, routing_key, type, envelope)
       SELECT $1::uuid, $2, $3, $4::jsonb FROM pg_notify('${OUTBOX_CHANNEL}', '')`,
      event.id,
      definition.routingKey,
      definition.type,
      JSON.stringify(event),
    );
    return event;
  }
}
