import { ALL_EVENTS, findEventDefinition, latestEventDefinition, versionsOf } from './catalog';
import type { EventDefinition } from './define-event';

interface VersionedEvent {
  type: string;
  version: number;
  occurredAt: string;
  data: unknown;
}

type Upcaster = <E extends VersionedEvent>(event: E) => E;

/** For every version that is not the latest: one function that takes its event up to the latest. */
const upcasters = new Map<EventDefinition, Upcaster>();
for (const latest of ALL_EVENTS as readonly EventDefinition[]) {
  const chain = versionsOf(latest);
  chain.slice(0, -1).forEach((definition, index) => {
    const steps = chain.slice(index + 1);
    upcasters.set(definition, (event) => {
      let current: VersionedEvent = event;
      for (const step of steps) {
        current = { ...current, version: step.version, data: step.previous!.upcast(current) };
      }
      return current as typeof event;
    });
  });
}

/**
 * An event parsed against `definition` (any version), as its latest version: the same object when it
 * already is, otherwise a copy with `version` and `data` upcast step by step. A Map lookup for a latest
 * version, a few object spreads otherwise: cheap enough for every message.
 */
export function upcastToLatest<E extends VersionedEvent>(definition: EventDefinition, event: E): E {
  const upcast = upcasters.get(definition);
  return upcast ? upcast(event) : event;
}

/** How a producer publishes `latest` as an earlier `version`: that version's definition and the data conversion. */
export interface PublishedVersion {
  definition: EventDefinition;
  /** Latest data → this version's data (identity for the latest). */
  convert: (data: unknown) => unknown;
}

/**
 * The definition to publish `type` with when a producer is set to `version`, and how to turn the
 * latest data into it (the downcasts, newest first). Throws for an unknown type or version: a
 * configuration error, raised at boot.
 */
export function publishedVersion(type: string, version: number): PublishedVersion {
  const latest = latestEventDefinition(type);
  const definition = findEventDefinition(type, version);
  if (!latest || !definition) throw new Error(`no event ${type} v${version} in contracts`);
  const downcasts: Array<(data: unknown) => unknown> = [];
  for (let d: EventDefinition = latest; d.version > version; d = d.previous!.definition) {
    downcasts.push(d.previous!.downcast);
  }
  return { definition, convert: (data) => downcasts.reduce((value, downcast) => downcast(value), data) };
}
