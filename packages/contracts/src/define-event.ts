import { z } from 'zod';
import { EnvelopeFields } from './envelope';

type Data = z.ZodObject;

export interface EventDefinition<TType extends string = string, TData extends Data = Data> {
  readonly type: TType;
  readonly version: number;
  /** `<aggregate>.<fact>`, so consumers can bind with `*` and `#`. */
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
}

/** The typed envelope of one event definition, inferred from its schema (never written by hand). */
export type EventOf<D extends EventDefinition> = z.infer<D['envelope']>;
/** The `data` of one event definition. */
export type DataOf<D extends EventDefinition> = z.infer<D['data']>;

export function defineEvent<TType extends string, TData extends Data>(spec: {
  type: TType;
  version: number;
  routingKey: string;
  data: TData;
}): EventDefinition<TType, TData> {
  if (!/^[a-z]+\.[a-z_]+$/.test(spec.routingKey)) {
    throw new Error(`routing key "${spec.routingKey}" is not <aggregate>.<fact>`);
  }
  const envelope = z.strictObject({
    ...EnvelopeFields,
    type: z.literal(spec.type),
    version: z.literal(spec.version),
    data: spec.data,
  });
  return Object.freeze({ ...spec, envelope });
}
