import type { Options } from 'amqplib';
import { describeMessage, originalRoute, replayPublishOptions, type RawMessage } from './dead-lettered-message';

export interface ReplayRequest {
  /** The DLQ's own queue (`inventory.reserve-stock` for `inventory.reserve-stock.dlq`). */
  originalQueue: string;
  /** Only messages with one of these ids; all when empty. */
  ids: readonly string[];
  /** Straight to the original queue through the default exchange, instead of the original route. */
  direct: boolean;
  /** The AMQP user the tool connects as (a copy may keep a user-id only if it is this one). */
  connectedUser?: string;
}

export type ReplayDecision =
  /** Not asked for (another id): stays in the DLQ, not reported. */
  | { kind: 'skip' }
  /** Asked for but cannot be replayed: stays in the DLQ, reported with the reason. */
  | { kind: 'leave'; reason: string }
  | { kind: 'publish'; exchange: string; routingKey: string; options: Options.Publish };

/** What to do with one message taken from the DLQ. */
export function planReplay(message: RawMessage, request: ReplayRequest): ReplayDecision {
  if (request.ids.length > 0) {
    const { messageId } = describeMessage(message, request.originalQueue);
    if (messageId === undefined || !request.ids.includes(messageId)) return { kind: 'skip' };
  }
  const route = originalRoute(message.properties.headers ?? {}, request.originalQueue);
  const base = { connectedUser: request.connectedUser };
  if (request.direct) {
    return {
      kind: 'publish',
      exchange: '',
      routingKey: request.originalQueue,
      options: replayPublishOptions(message.properties, { ...base, ...(route && { keepRoute: route }) }),
    };
  }
  if (!route) {
    return {
      kind: 'leave',
      reason: 'no original route (no x-loja-original-exchange/-routing-key headers, no x-death); use --direct',
    };
  }
  return {
    kind: 'publish',
    exchange: route.exchange,
    routingKey: route.routingKey,
    options: replayPublishOptions(message.properties, base),
  };
}
