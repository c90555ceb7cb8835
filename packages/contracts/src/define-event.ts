import { z } from 'zod';
import { EnvelopeFields } from './envelope';

type Data = z.ZodObject;

/** How one version of an event follows from the one before it (see `defineNextVersion`). */
export interface PreviousVersion {
  readonly definition: EventDefinition;
  /** The previous version's whole event (envelope fields may feed new data) → this version's data. */
  readonly upcast: (event: { occurredAt: string; data: unknown }) => unknown;
  /** This version's data → the previous version's, for a producer still publishing that one. */
  readonly downcast: (data: unknown) => unknown;
}

export interface EventDefinition<TType extends string = string, TData extends Data = Data> {
  readonly type: TType;
  readonly version: number;
  /** `<aggregate>.<fact>`, so consumers can bind with `*` and `#`. The same for every version. */
  readonly routingKey: string;
  readonly data: TData;
  /** The whole envelope with this event's `type`, `version` and `data`, validated strictly. */
  readonly envelope: z.ZodObject<
    typeof EnvelopeFields & {
      type: z.ZodLiteral<TType>;
      version: z.ZodLiteral<number>;
      data: TData;
    },
    z.core.$strict
  >;
  /** Set on version 2 and later: the version this one replaces, and how to convert between them. */
  readonly previous?: PreviousVersion;
}

/** The typed envelope of one event definition, inferred from its schema (never written by hand). */
export type EventOf<D extends EventDefinition> = z.infer<D['envelope']>;
/** The `data` of one event definition. */
export type DataOf<D extends EventDefinition> = z.infer<D['data']>;

function envelopeOf<TType extends string, TData extends Data>(type: TType, version: number, data: TData) {
  return z.strictObject({ ...EnvelopeFields, type: z.literal(type), version: z.literal(version), data });
}

export function defineEvent<TType extends string, TData extends Data>(spec: {
  type: TType;
  version: number;
  routingKey: string;
  data: TData;
}): EventDefinition<TType, TData> {
  if (!/^[a-z]+\.[a-z_]+$/.test(spec.routingKey)) {
    throw new Error(`routing key "${spec.routingKey}" is not <aggregate>.<fact>`);
  }
  return Object.freeze({ ...spec, envelope: envelopeOf(spec.type, spec.version, spec.data) });
}

/**
 * The next version of an event: same type and routing key (a routing key never changes), version + 1,
 * new data, and the two conversions. `upcast` turns an event of the previous version into this
 * version's data: consumers get every message as the latest version, whatever version it was
 * published in. `downcast` goes back, for a producer configured to publish the previous version
 * during a rollout. Both are plain functions on the per-message path: keep them cheap and pure.
 */
export function defineNextVersion<P extends EventDefinition, TData extends Data>(
  previous: P,
  spec: {
    data: TData;
    upcast: (event: EventOf<P>) => z.infer<TData>;
    downcast: (data: z.infer<TData>) => DataOf<P>;
  },
): EventDefinition<P['type'], TData> {
  const version = previous.version + 1;
  return Object.freeze({
    type: previous.type as P['type'],
    version,
    routingKey: previous.routingKey,
    data: spec.data,
    envelope: envelopeOf(previous.type as P['type'], version, spec.data),
    previous: Object.freeze({
      definition: previous,
      upcast: spec.upcast as PreviousVersion['upcast'],
      downcast: spec.downcast as PreviousVersion['downcast'],
    }),
  });
}
