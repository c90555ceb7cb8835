import { CONSUMER_QUEUES } from '@loja/contracts';
import { waitFor } from '@loja/messaging/testing';
import { describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service';
import { ordersUnderTest } from './orders-alone';

/** Every consumer queue holds 3 messages at most here, and only Orders runs: the others fill up. */
const QUEUE_MAX_LENGTH = 3;

// Its own file: bounded queues and tight admission limits for the whole service.
describe('orders under back-pressure: bounded queues, a relay that keeps refused events, 503 with Retry-After', () => {
  const orders = ordersUnderTest('orders_overload', {
    env: {
      MESSAGING_QUEUE_MAX_LENGTH: String(QUEUE_MAX_LENGTH),
      ORDERS_MAX_OUTBOX_AGE_MS: '500',
      ORDERS_ADMISSION_CHECK_INTERVAL_MS: '50',
    },
    topology: { maxLength: QUEUE_MAX_LENGTH },
  });
  const unpublished = () =>
    orders.app.get(PrismaService).outboxMessage.count({ where: { publishedAt: null, type: 'PedidoCriado' } });

  it('keeps what the broker refuses, refuses new orders until it is out, then takes them again', async () => {
    const accepted: string[] = [];
    // Orders keeps accepting until its oldest refused event is 500 ms old, then answers 503.
    const refusal = await waitFor(
      'a 503 once the consumer queues are full',
      async () => {
        const response = await orders.post();
        if (response.status === 201) accepted.push(((await response.json()) as { id: string }).id);
        return response.status === 503 ? response : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusal.json()).toMatchObject({ statusCode: 503, code: 'ORDERS_OVERLOADED' });
    expect(accepted.length).toBeGreaterThan(QUEUE_MAX_LENGTH);
    // The events the broker refused are still in the outbox, not lost.
    expect(await unpublished()).toBeGreaterThan(0);

    // The consumers catch up (here: the queues are emptied); the relay publishes what it kept.
    const pedidoCriadoQueues = Object.entries(CONSUMER_QUEUES)
      .filter(([, types]) => (types as readonly string[]).includes('PedidoCriado'))
      .map(([queue]) => queue);
    await waitFor(
      'every accepted order published',
      async () => {
        for (const queue of pedidoCriadoQueues) await orders.probe.purge(queue);
        return (await unpublished()) === 0;
      },
      { timeoutMs: 30_000 },
    );
    const published = await orders.app.get(PrismaService).outboxMessage.findMany({ where: { type: 'PedidoCriado' } });
    const publishedOrders = new Set(published.map((row) => (row.envelope as { correlationId: string }).correlationId));
    for (const id of accepted) expect(publishedOrders.has(id)).toBe(true);

    await waitFor('orders accepted again', async () => (await orders.post()).status === 201, { timeoutMs: 10_000 });
  });
});
