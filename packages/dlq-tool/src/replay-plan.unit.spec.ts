import { Headers } from '@loja/messaging';
import type { MessageProperties } from 'amqplib';
import { describe, expect, it } from 'vitest';
import type { RawMessage } from './dead-lettered-message';
import { planReplay } from './replay-plan';

const h = Headers.deadLetter;
const originalQueue = 'inventory.reserve-stock';

function message(messageId: string | undefined, headers: Record<string, unknown>): RawMessage {
  return {
    content: Buffer.from('{}'),
    properties: { messageId, headers, contentType: 'application/json' } as MessageProperties,
  };
}

const routed = (id: string) =>
  message(id, { [h.reason]: 'permanent-error', [h.exchange]: 'loja.events', [h.routingKey]: 'pedido.criado' });

describe('planReplay', () => {
  const request = { originalQueue, ids: [], direct: false };

  it('publishes to the original route without the failure headers', () => {
    expect(planReplay(routed('e1'), request)).toEqual({
      kind: 'publish',
      exchange: 'loja.events',
      routingKey: 'pedido.criado',
      options: { persistent: true, headers: {}, contentType: 'application/json', messageId: 'e1' },
    });
  });

  it('leaves a message without an original route, with the reason', () => {
    expect(planReplay(message('e2', { [h.reason]: 'invalid-json' }), request)).toEqual({
      kind: 'leave',
      reason: expect.stringMatching(/no original route/) as string,
    });
  });

  it('skips messages whose id was not asked for', () => {
    const only = { ...request, ids: ['e1'] };
    expect(planReplay(routed('e1'), only).kind).toBe('publish');
    expect(planReplay(routed('e3'), only)).toEqual({ kind: 'skip' });
    expect(planReplay(message(undefined, {}), only)).toEqual({ kind: 'skip' });
  });

  it('sends a direct replay to the original queue, with or without a route', () => {
    const direct = { ...request, direct: true };
    expect(planReplay(routed('e1'), direct)).toMatchObject({
      kind: 'publish',
      exchange: '',
      routingKey: originalQueue,
      options: { headers: { [h.exchange]: 'loja.events', [h.routingKey]: 'pedido.criado' } },
    });
    expect(planReplay(message('e2', { [h.reason]: 'invalid-json' }), direct)).toMatchObject({
      kind: 'publish',
      exchange: '',
      routingKey: originalQueue,
      options: { headers: {} },
    });
  });
});
