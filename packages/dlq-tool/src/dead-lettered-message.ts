import { Headers } from '@loja/messaging';
import type { MessageProperties, Options } from 'amqplib';

/** What the broker gave us: the bytes and the AMQP properties. */
export interface RawMessage {
  content: Buffer;
  properties: MessageProperties;
}

/** Where a message was first published, so a replay can send it there again. */
export interface Route {
  exchange: string;
  routingKey: string;
  /** `headers`: x-loja-original-*, set by the messaging module; `x-death`: the broker dead-lettered it. */
  source: 'headers' | 'x-death';
}

export interface DeathEntry {
  queue?: string;
  reason?: string;
  count?: number;
  exchange?: string;
  routingKeys: string[];
  time?: string;
}

/** One dead-lettered message as the operator sees it. */
export interface DeadLetteredMessage {
  messageId?: string;
  type?: string;
  /** The order id: the saga the event belongs to. */
  correlationId?: string;
  publishedAt?: string;
  /** The x-loja-* failure headers present on the message, by header name. */
  failure: Record<string, unknown>;
  /** RabbitMQ's own record, when the broker dead-lettered the message (e.g. delivery limit). */
  deaths: DeathEntry[];
  /** Every other header (traceparent...). */
  headers: Record<string, unknown>;
  route?: Route;
  body: { json: unknown } | { text: string };
  bodyBytes: number;
}

const FAILURE_HEADERS: readonly string[] = Object.values(Headers.deadLetter);

/**
 * Headers a replayed message must not carry: the failure record, the attempt counter (so it gets a
 * fresh set of attempts) and the broker's own dead-letter and delivery bookkeeping.
 */
export const REPLAY_STRIPPED_HEADERS: readonly string[] = [
  ...FAILURE_HEADERS,
  Headers.attempt,
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
  'x-delivery-count',
];

export function describeMessage(message: RawMessage, originalQueue: string): DeadLetteredMessage {
  const { properties } = message;
  const rawHeaders = properties.headers ?? {};
  const text = message.content.toString('utf8');
  const json = parseJson(text);
  const envelope =
    json !== undefined && typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {};

  const failure: Record<string, unknown> = {};
  const headers: Record<string, unknown> = {};
  // Failure headers in the order the messaging module defines them; x-death on its own; the quorum
  // queue's delivery count is the broker's bookkeeping (peeking at the DLQ raises it), not the message's.
  for (const name of FAILURE_HEADERS) {
    if (rawHeaders[name] !== undefined) failure[name] = plainValue(rawHeaders[name]);
  }
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (name === 'x-death' || name === 'x-delivery-count' || FAILURE_HEADERS.includes(name)) continue;
    headers[name] = plainValue(value);
  }
  const route = originalRoute(rawHeaders, originalQueue);
  const publishedAt = typeof properties.timestamp === 'number' ? isoFromSeconds(properties.timestamp) : undefined;
  return {
    ...optional('messageId', stringOf(properties.messageId) ?? stringOf(envelope.id)),
    ...optional('type', stringOf(properties.type) ?? stringOf(envelope.type)),
    ...optional('correlationId', stringOf(properties.correlationId) ?? stringOf(envelope.correlationId)),
    ...optional('publishedAt', publishedAt),
    failure,
    deaths: deathsOf(rawHeaders),
    headers,
    ...optional('route', route),
    body: json === undefined ? { text } : { json },
    bodyBytes: message.content.length,
  };
}

/**
 * The exchange and routing key the message was first published with: the messaging module's
 * x-loja-original-* headers, else the broker's x-death entry for the original queue (else its first).
 */
export function originalRoute(headers: Record<string, unknown>, originalQueue: string): Route | undefined {
  const exchange = headers[Headers.deadLetter.exchange];
  const routingKey = headers[Headers.deadLetter.routingKey];
  if (typeof exchange === 'string' && typeof routingKey === 'string') {
    return { exchange, routingKey, source: 'headers' };
  }
  const deaths = deathsOf(headers);
  const death = deaths.find((entry) => entry.queue === originalQueue) ?? deaths[0];
  const deathKey = death?.routingKeys[0];
  if (death?.exchange !== undefined && deathKey !== undefined) {
    return { exchange: death.exchange, routingKey: deathKey, source: 'x-death' };
  }
  return undefined;
}

/**
 * Publish options of a replayed copy: the original properties unchanged (same messageId, so the
 * consumers' inbox still recognises the event), persistent, minus the failure and attempt headers.
 * With `keepRoute` (direct replay to the queue) the original route stays in the headers, so a new
 * failure still records where the event came from.
 */
export function replayPublishOptions(
  properties: MessageProperties,
  { keepRoute, connectedUser }: { keepRoute?: Route; connectedUser?: string } = {},
): Options.Publish {
  const headers: Record<string, unknown> = { ...(properties.headers ?? {}) };
  for (const name of REPLAY_STRIPPED_HEADERS) delete headers[name];
  if (keepRoute) {
    headers[Headers.deadLetter.exchange] = keepRoute.exchange;
    headers[Headers.deadLetter.routingKey] = keepRoute.routingKey;
  }
  const options: Options.Publish = {
    persistent: true,
    headers,
    contentType: properties.contentType as string | undefined,
    contentEncoding: properties.contentEncoding as string | undefined,
    correlationId: properties.correlationId as string | undefined,
    replyTo: properties.replyTo as string | undefined,
    expiration: properties.expiration as string | undefined,
    messageId: properties.messageId as string | undefined,
    timestamp: properties.timestamp as number | undefined,
    type: properties.type as string | undefined,
    appId: properties.appId as string | undefined,
    priority: properties.priority as number | undefined,
  };
  // The broker rejects a user-id other than the connection's own (and closes the channel).
  if (typeof properties.userId === 'string' && properties.userId === connectedUser) options.userId = properties.userId;
  for (const key of Object.keys(options) as Array<keyof Options.Publish>) {
    if (options[key] === undefined) delete options[key];
  }
  return options;
}

function deathsOf(headers: Record<string, unknown>): DeathEntry[] {
  const value = headers['x-death'];
  if (!Array.isArray(value)) return [];
  return value
    .filter((entry): entry is Record<string, unknown> => typeof entry === 'object' && entry !== null)
    .map((entry) => {
      const time = plainValue(entry.time);
      const routingKeys = Array.isArray(entry['routing-keys']) ? entry['routing-keys'].map(String) : [];
      return {
        ...optional('queue', stringOf(entry.queue)),
        ...optional('reason', stringOf(entry.reason)),
        ...optional('count', typeof entry.count === 'number' ? entry.count : undefined),
        // '' is the default exchange: a real route, unlike a missing one.
        ...optional('exchange', typeof entry.exchange === 'string' ? entry.exchange : undefined),
        routingKeys,
        ...optional('time', typeof time === 'string' ? time : undefined),
      };
    });
}

/** Header values as plain JSON: AMQP timestamps as ISO strings, byte arrays as text. */
export function plainValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object' && value !== null) {
    const typed = value as { '!'?: unknown; value?: unknown };
    if (typed['!'] === 'timestamp' && typeof typed.value === 'number') return isoFromSeconds(typed.value);
    if ('!' in typed) return typed.value;
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainValue(inner)]));
  }
  return value;
}

function isoFromSeconds(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `{ key: value }` when value is defined, `{}` otherwise (exactOptionalPropertyTypes-friendly spreads). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
