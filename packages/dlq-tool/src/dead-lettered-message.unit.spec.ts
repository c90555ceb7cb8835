import { Headers } from '@loja/messaging';
import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import {
  describeMessage,
  originalRoute,
  plainValue,
  replayPublishOptions,
  type RawMessage,
} from './dead-lettered-message';

const h = Headers.deadLetter;
const queue = 'inventory.reserve-stock';

/** Headers typed loosely: x-death here is what RabbitMQ 3.10+ writes (reason delivery_limit), wider than @types/amqplib. */
function properties(
  overrides: Partial<Omit<MessageProperties, 'headers'>> & { headers?: Record<string, unknown> } = {},
): MessageProperties {
  return {
    contentType: 'application/json',
    contentEncoding: undefined,
    headers: {},
    deliveryMode: 2,
    priority: undefined,
    correlationId: 'order-1',
    replyTo: undefined,
    expiration: undefined,
    messageId: 'event-1',
    timestamp: 1_795_000_000,
    type: 'PedidoCriado',
    userId: undefined,
    appId: 'orders',
    clusterId: undefined,
    ...overrides,
  } as MessageProperties;
}

const failureHeaders = {
  [h.queue]: queue,
  [h.reason]: 'retries-exhausted',
  [h.error]: 'database unavailable',
  [h.attempts]: 5,
  [h.at]: '2026-11-24T10:00:00.000Z',
  [h.exchange]: 'loja.events',
  [h.routingKey]: 'pedido.criado',
};

const deathHeader = [
  {
    count: 1,
    reason: 'delivery_limit',
    queue,
    time: { '!': 'timestamp', value: 1_795_000_100 },
    exchange: 'loja.events',
    'routing-keys': ['pedido.criado'],
  },
];

describe('describeMessage', () => {
  it('separates the failure headers from the others and parses a JSON body', () => {
    const message: RawMessage = {
      content: Buffer.from(JSON.stringify({ id: 'event-1', type: 'PedidoCriado', data: { orderId: 'order-1' } })),
      properties: properties({
        headers: { [Headers.traceparent]: '00-abc-def-01', 'x-delivery-count': 2, ...failureHeaders },
      }),
    };
    const described = describeMessage(message, queue);
    expect(Object.keys(described.failure)).toEqual(Object.values(h));
    expect(described.headers).toEqual({ traceparent: '00-abc-def-01' });
    expect(described).toMatchObject({
      messageId: 'event-1',
      type: 'PedidoCriado',
      correlationId: 'order-1',
      publishedAt: new Date(1_795_000_000_000).toISOString(),
      failure: failureHeaders,
      deaths: [],
      headers: { traceparent: '00-abc-def-01' },
      route: { exchange: 'loja.events', routingKey: 'pedido.criado', source: 'headers' },
      body: { json: { id: 'event-1', type: 'PedidoCriado', data: { orderId: 'order-1' } } },
    });
    expect(described.bodyBytes).toBe(message.content.length);
  });

  it('keeps a non-JSON body as text and falls back to the envelope for ids', () => {
    expect(describeMessage({ content: Buffer.from('not json {'), properties: properties() }, queue).body).toEqual({
      text: 'not json {',
    });
    const bare = describeMessage(
      {
        content: Buffer.from(JSON.stringify({ id: 'e-9', type: 'PedidoEnviado', correlationId: 'o-9' })),
        properties: properties({
          messageId: undefined,
          type: undefined,
          correlationId: undefined,
          timestamp: undefined,
        }),
      },
      queue,
    );
    expect(bare).toMatchObject({ messageId: 'e-9', type: 'PedidoEnviado', correlationId: 'o-9' });
    expect(bare.publishedAt).toBeUndefined();
  });

  it("reads the broker's x-death record", () => {
    const described = describeMessage(
      { content: Buffer.from('{}'), properties: properties({ headers: { 'x-death': deathHeader } }) },
      queue,
    );
    expect(described.deaths).toEqual([
      {
        queue,
        reason: 'delivery_limit',
        count: 1,
        exchange: 'loja.events',
        routingKeys: ['pedido.criado'],
        time: new Date(1_795_000_100_000).toISOString(),
      },
    ]);
    expect(described.failure).toEqual({});
    expect(described.route).toEqual({ exchange: 'loja.events', routingKey: 'pedido.criado', source: 'x-death' });
  });
});

describe('originalRoute', () => {
  it('prefers the x-loja headers, then the x-death entry of the original queue, then the first', () => {
    expect(originalRoute({ ...failureHeaders, 'x-death': deathHeader }, queue)?.source).toBe('headers');
    const deaths = [
      { queue: 'other', exchange: 'x', 'routing-keys': ['k'] },
      { queue, exchange: '', 'routing-keys': [queue] },
    ];
    expect(originalRoute({ 'x-death': deaths }, queue)).toEqual({ exchange: '', routingKey: queue, source: 'x-death' });
    expect(originalRoute({ 'x-death': deaths }, 'elsewhere')).toEqual({
      exchange: 'x',
      routingKey: 'k',
      source: 'x-death',
    });
  });

  it('has none without both headers or a usable x-death', () => {
    expect(originalRoute({}, queue)).toBeUndefined();
    expect(originalRoute({ [h.exchange]: 'loja.events' }, queue)).toBeUndefined();
    expect(
      originalRoute({ 'x-death': [{ queue, exchange: 'loja.events', 'routing-keys': [] }] }, queue),
    ).toBeUndefined();
    expect(originalRoute({ 'x-death': 'garbage' }, queue)).toBeUndefined();
  });
});

describe('replayPublishOptions', () => {
  const dead = properties({
    headers: {
      ...failureHeaders,
      [Headers.attempt]: 5,
      'x-death': deathHeader,
      'x-first-death-queue': queue,
      'x-delivery-count': 3,
      traceparent: '00-abc-def-01',
      custom: 'kept',
    },
  });

  it('keeps every property and the other headers, persistent, without failure and attempt headers', () => {
    expect(replayPublishOptions(dead)).toEqual({
      persistent: true,
      headers: { traceparent: '00-abc-def-01', custom: 'kept' },
      contentType: 'application/json',
      correlationId: 'order-1',
      messageId: 'event-1',
      timestamp: 1_795_000_000,
      type: 'PedidoCriado',
      appId: 'orders',
    });
  });

  it('keeps the original route in the headers of a direct replay', () => {
    const route = { exchange: 'loja.events', routingKey: 'pedido.criado', source: 'headers' as const };
    expect(replayPublishOptions(dead, { keepRoute: route }).headers).toEqual({
      traceparent: '00-abc-def-01',
      custom: 'kept',
      [h.exchange]: 'loja.events',
      [h.routingKey]: 'pedido.criado',
    });
  });

  it('keeps a user-id only when it is the connected user (the broker rejects any other)', () => {
    expect(replayPublishOptions(properties({ userId: 'guest' }), { connectedUser: 'guest' }).userId).toBe('guest');
    expect(replayPublishOptions(properties({ userId: 'orders' }), { connectedUser: 'guest' }).userId).toBeUndefined();
  });

  it('does not touch the original properties', () => {
    replayPublishOptions(dead);
    expect(dead.headers).toHaveProperty(h.reason);
  });
});

describe('plainValue', () => {
  it('turns AMQP field values into plain JSON', () => {
    expect(plainValue({ '!': 'timestamp', value: 0 })).toBe('1970-01-01T00:00:00.000Z');
    expect(plainValue(Buffer.from('bytes'))).toBe('bytes');
    expect(plainValue([{ a: { '!': 'decimal', value: { places: 1, digits: 5 } } }])).toEqual([
      { a: { places: 1, digits: 5 } },
    ]);
    expect(plainValue(7)).toBe(7);
  });
});
