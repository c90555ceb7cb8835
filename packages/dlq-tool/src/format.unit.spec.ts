import { describe, expect, it } from 'vitest';
import type { DeadLetteredMessage } from './dead-lettered-message';
import {
  formatBody,
  formatLeft,
  formatMessage,
  formatQueueTable,
  formatReplayed,
  formatReplaySummary,
  formatShow,
  showJson,
} from './format';

const message: DeadLetteredMessage = {
  messageId: 'event-1',
  type: 'PedidoCriado',
  correlationId: 'order-1',
  publishedAt: '2026-11-24T10:00:00.000Z',
  failure: {
    'x-loja-dead-letter-reason': 'retries-exhausted',
    'x-loja-dead-letter-error': 'database unavailable',
    'x-loja-dead-letter-attempts': 5,
  },
  deaths: [],
  headers: { traceparent: '00-abc-def-01' },
  route: { exchange: 'loja.events', routingKey: 'pedido.criado', source: 'headers' },
  body: { json: { id: 'event-1', data: { orderId: 'order-1' } } },
  bodyBytes: 42,
};

describe('formatQueueTable', () => {
  it('aligns queues and depths and totals them', () => {
    const text = formatQueueTable('loja', [
      { name: 'inventory.reserve-stock.dlq', messages: 12, consumers: 0 },
      { name: 'orders.track.dlq', messages: 0, consumers: 1 },
    ]);
    expect(text.split('\n')).toEqual([
      'Dead-letter queues in vhost "loja":',
      'QUEUE                        MESSAGES  CONSUMERS',
      'inventory.reserve-stock.dlq        12          0',
      'orders.track.dlq                    0          1',
      '12 messages in 1 of 2 queues.',
      '',
    ]);
  });

  it('says when there is none', () => {
    expect(formatQueueTable('demo', [])).toBe('No dead-letter queues in vhost "demo".\n');
  });
});

describe('formatMessage', () => {
  it('shows ids, failure headers, other headers and the pretty body', () => {
    const text = formatMessage(message, 1, 2);
    expect(text).toContain('message id:     event-1');
    expect(text).toContain('event type:     PedidoCriado');
    expect(text).toContain('correlation id: order-1 (order)');
    expect(text).toContain('replays to:     loja.events / pedido.criado');
    expect(text).toContain('  x-loja-dead-letter-reason    retries-exhausted');
    expect(text).toContain('  x-loja-dead-letter-error     database unavailable');
    expect(text).toContain('  x-loja-dead-letter-attempts  5');
    expect(text).toContain('  traceparent: 00-abc-def-01');
    expect(text).toContain(
      'body (42 bytes, JSON):\n  {\n    "id": "event-1",\n    "data": {\n      "orderId": "order-1"',
    );
  });

  it("shows the broker's x-death and says what is missing", () => {
    const text = formatMessage(
      {
        ...message,
        messageId: undefined,
        failure: {},
        route: undefined,
        deaths: [
          {
            queue: 'inventory.reserve-stock',
            reason: 'delivery_limit',
            count: 1,
            exchange: 'loja.events',
            routingKeys: ['pedido.criado'],
            time: '2026-11-24T10:00:00.000Z',
          },
        ],
      },
      1,
      1,
    );
    expect(text).toContain('message id:     (none)');
    expect(text).toContain('replays to:     (no original route; replay --direct sends it to the original queue)');
    expect(text).toContain(
      '  queue inventory.reserve-stock, reason delivery_limit, count 1, at 2026-11-24T10:00:00.000Z, from loja.events / pedido.criado',
    );
    expect(formatMessage({ ...message, failure: {} }, 1, 1)).toContain('failure headers: (none)');
  });
});

describe('formatBody', () => {
  it('truncates long text and escapes terminal control characters', () => {
    expect(formatBody({ text: 'abcdef' }, 4)).toBe('abcd... (2 more characters; --json shows all)');
    expect(formatBody({ text: 'a\u001b[31mb\nc' })).toBe('a\\u001b[31mb\nc');
    expect(formatBody({ text: '' })).toBe('(empty)');
  });
});

describe('formatShow and showJson', () => {
  it('says how many messages there are and that they stay', () => {
    expect(formatShow('x.dlq', 'loja', 3, [message]).split('\n')[0]).toBe(
      'x.dlq (vhost "loja"): 3 messages, showing 1; all left in the queue.',
    );
    expect(formatShow('x.dlq', 'loja', 0, [])).toBe('x.dlq (vhost "loja") is empty.\n');
  });

  it('puts a JSON body under body and a text one under bodyText', () => {
    const json = showJson('x.dlq', 'loja', 2, [message, { ...message, body: { text: 'raw' } }]);
    expect(json.messages[0]).toMatchObject({ messageId: 'event-1', body: { id: 'event-1' } });
    expect(json.messages[1]).toMatchObject({ bodyText: 'raw' });
    expect(json.messages[1]).not.toHaveProperty('body');
  });
});

describe('replay lines', () => {
  it('names each message and where it went or why it stayed', () => {
    expect(formatReplayed(message, 'loja.events / pedido.criado')).toBe(
      'replayed  event-1 PedidoCriado order order-1 -> loja.events / pedido.criado\n',
    );
    expect(formatLeft({}, 'no original route')).toBe('left      (no message id) (no type): no original route\n');
    expect(formatReplaySummary('x.dlq', 'loja', { replayed: 1, left: 1, notFound: ['e9'] })).toBe(
      '1 message replayed from x.dlq (vhost "loja").\n1 message left in the DLQ (see above).\nNot found in x.dlq: e9.\n',
    );
    expect(formatReplaySummary('x.dlq', 'loja', { replayed: 1, left: 0, notFound: ['e9'], limitReached: true })).toBe(
      '1 message replayed from x.dlq (vhost "loja").\nNot found in x.dlq before --limit was reached: e9.\n',
    );
  });
});
