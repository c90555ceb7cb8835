import { describe, expect, it } from 'vitest';
import {
  REQUEUE_EXCHANGE,
  RETRY_EXCHANGE,
  deadLetterQueueName,
  isDeadLetterQueue,
  originalQueueOfDeadLetterQueue,
  requeueBindingKey,
  retryQueueBindingKey,
  retryQueueName,
  retryRoutingKey,
} from './queue-names';

/** RabbitMQ's topic matching: words split on dots, `*` exactly one word, `#` zero or more. */
function topicMatches(pattern: string, key: string): boolean {
  const match = (p: string[], k: string[]): boolean => {
    if (p.length === 0) return k.length === 0;
    const [head, ...rest] = p;
    if (head === '#') return match(rest, k) || (k.length > 0 && match(p, k.slice(1)));
    return k.length > 0 && (head === '*' || head === k[0]) && match(rest, k.slice(1));
  };
  return match(pattern.split('.'), key.split('.'));
}

describe('retry topology names', () => {
  it('names the shared exchanges and one delay queue per delay', () => {
    expect(RETRY_EXCHANGE).toBe('loja.retry');
    expect(REQUEUE_EXCHANGE).toBe('loja.requeue');
    expect(retryQueueName(250)).toBe('loja.retry.250ms');
    expect(retryQueueName(64_000)).toBe('loja.retry.64000ms');
  });

  it('routes a copy by its delay, then its queue', () => {
    expect(retryRoutingKey('inventory.reserve-stock', 250)).toBe('250ms.inventory.reserve-stock');
    expect(retryQueueBindingKey(250)).toBe('250ms.#');
    expect(requeueBindingKey('inventory.reserve-stock')).toBe('*.inventory.reserve-stock');
  });

  it('sends a copy to the delay queue of its delay only', () => {
    const key = retryRoutingKey('inventory.reserve-stock', 1000);
    expect(topicMatches(retryQueueBindingKey(1000), key)).toBe(true);
    for (const other of [250, 100, 10_000])
      expect(topicMatches(retryQueueBindingKey(other), key), `${other}`).toBe(false);
  });

  it('brings a copy back to its own queue, never to one whose name it contains or extends', () => {
    const queues = [
      'inventory.reserve-stock',
      'reserve-stock',
      'inventory.reserve-stock.extra',
      'orders.inventory.reserve-stock',
      'inventory.commit-stock',
    ];
    for (const queue of queues) {
      const key = retryRoutingKey(queue, 250);
      const reached = queues.filter((q) => topicMatches(requeueBindingKey(q), key));
      expect(reached, key).toEqual([queue]);
    }
  });

  it('keeps the DLQ beside its queue', () => {
    expect(deadLetterQueueName('payments.charge-order')).toBe('payments.charge-order.dlq');
    expect(isDeadLetterQueue('payments.charge-order.dlq')).toBe(true);
    expect(isDeadLetterQueue('loja.retry.250ms')).toBe(false);
    expect(originalQueueOfDeadLetterQueue('payments.charge-order.dlq')).toBe('payments.charge-order');
  });
});
