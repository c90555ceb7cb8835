import { findEventDefinition, type AnyEventDefinition } from './catalog';
import type { EventOf } from './define-event';
import { AnyEnvelope } from './envelope';
import { InvalidEventError } from './invalid-event.error';
import { upcastToLatest } from './versions';

/** Any event of the store, discriminated by `type`. */
export type AnyEvent = {
  [K in AnyEventDefinition['type']]: EventOf<Extract<AnyEventDefinition, { type: K }>>;
}[AnyEventDefinition['type']];

/** The order an event is about: every saga event's data names it; catalogue events have none. */
export function orderIdOf(event: AnyEvent): string | undefined {
  const orderId = (event.data as { orderId?: unknown }).orderId;
  return typeof orderId === 'string' ? orderId : undefined;
}

/**
 * Turns raw message bytes into a typed, validated event, in the latest version of its type: a message
 * published in an earlier version is validated against that version's schema, then upcast. Throws InvalidEventError whose `reason` says
 * what is wrong (not JSON, no envelope, unknown type or version, data that breaks the schema) and whose
 * `issues` name the failing fields.
 */
export function parseEvent(raw: Buffer | string): AnyEvent {
  let json: unknown;
  try {
    json = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch (error) {
    throw new InvalidEventError('invalid-json', [{ field: '', message: (error as Error).message }]);
  }
  // The common case in one validation: the type and version name a known event, and it is valid.
  const claimed = json as { type?: unknown; version?: unknown } | null;
  if (
    claimed &&
    typeof claimed === 'object' &&
    typeof claimed.type === 'string' &&
    typeof claimed.version === 'number'
  ) {
    const definition = findEventDefinition(claimed.type, claimed.version);
    const event = definition?.envelope.safeParse(json);
    if (event?.success) return upcastToLatest(definition!, event.data) as AnyEvent;
  }
  // Otherwise find out precisely what is wrong, for the DLQ's reason.
  const envelope = AnyEnvelope.safeParse(json);
  if (!envelope.success) {
    throw InvalidEventError.fromZod('invalid-envelope', envelope.error);
  }
  const { type, version } = envelope.data;
  const definition = findEventDefinition(type, version);
  if (!definition) {
    throw new InvalidEventError(
      'unknown-type',
      [{ field: 'type', message: `no event ${type} v${version} in contracts` }],
      type,
    );
  }
  const event = definition.envelope.safeParse(json);
  if (!event.success) {
    throw InvalidEventError.fromZod('schema-violation', event.error, type);
  }
  return upcastToLatest(definition, event.data) as AnyEvent;
}
