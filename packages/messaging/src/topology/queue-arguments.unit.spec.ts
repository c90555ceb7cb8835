import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUEUE_MAX_LENGTH,
  consumerQueueArguments,
  deadLetterQueueArguments,
  retryQueueArguments,
} from './queue-arguments';

describe('queue arguments', () => {
  it('bounds a consumer queue, refusing publishes past its length, and dead-letters to its DLQ', () => {
    expect(consumerQueueArguments('inventory.reserve-stock', 20)).toEqual({
      'x-queue-type': 'quorum',
      'x-delivery-limit': 20,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': 'inventory.reserve-stock.dlq',
      'x-max-length': DEFAULT_QUEUE_MAX_LENGTH,
      'x-overflow': 'reject-publish',
    });
    expect(DEFAULT_QUEUE_MAX_LENGTH).toBe(1000);
    expect(consumerQueueArguments('q', 5, { maxLength: 50 })).toMatchObject({
      'x-delivery-limit': 5,
      'x-max-length': 50,
    });
  });

  it('refuses a length the broker would not take', () => {
    for (const maxLength of [0, -1, 1.5, Number.NaN]) {
      expect(() => consumerQueueArguments('q', 20, { maxLength }), String(maxLength)).toThrow(/maximum length/);
    }
  });

  it('holds a retry for its delay, then dead-letters it to loja.requeue with its routing key unchanged', () => {
    expect(retryQueueArguments(250)).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 250,
      'x-dead-letter-exchange': 'loja.requeue',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(retryQueueArguments(0)['x-message-ttl']).toBe(0);
    expect(() => retryQueueArguments(-1)).toThrow(/retry delay/);
    expect(() => retryQueueArguments(2.5)).toThrow(/retry delay/);
  });

  it('keeps DLQs unbounded', () => {
    expect(deadLetterQueueArguments()).toEqual({ 'x-queue-type': 'quorum', 'x-delivery-limit': 1_000_000 });
    expect(deadLetterQueueArguments()).not.toHaveProperty('x-max-length');
  });
});
