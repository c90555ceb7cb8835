import { randomUUID } from 'node:crypto';
import type { ServiceName } from './envelope';
import type { DataOf, EventDefinition, EventOf } from './define-event';
import { InvalidEventError } from './invalid-event.error';

export interface EventMetadata {
  source: ServiceName;
  correlationId: string;
  /** Id of the event that caused this one; omit for events caused by a user's request. */
  causationId?: string | null;
  id?: string;
  occurredAt?: Date;
}

/** Builds a valid envelope for `definition`, or throws InvalidEventError naming the failing fields. */
export function createEvent<D extends EventDefinition>(
  definition: D,
  data: DataOf<D>,
  metadata: EventMetadata,
): EventOf<D> {
  const candidate = {
    id: metadata.id ?? randomUUID(),
    type: definition.type,
    version: definition.version,
    occurredAt: (metadata.occurredAt ?? new Date()).toISOString(),
    source: metadata.source,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId ?? null,
    data,
  };
  const result = definition.envelope.safeParse(candidate);
  if (!result.success) {
    throw InvalidEventError.fromZod('schema-violation', result.error, definition.type);
  }
  return result.data as EventOf<D>;
}
