import { waitFor } from '@loja/messaging/testing';
import { describe, expect, it } from 'vitest';
import { ordersUnderTest, sagaEvents } from './orders-alone';

// Its own file: a tight ORDERS_MAX_ORDERS_IN_FLIGHT for the whole service.
describe('orders under a saga backlog: 503 while ORDERS_MAX_ORDERS_IN_FLIGHT accepted orders are not final', () => {
  const MAX_IN_FLIGHT = 5;
  const orders = ordersUnderTest('orders_in_flight', {
    env: { ORDERS_MAX_ORDERS_IN_FLIGHT: String(MAX_IN_FLIGHT), ORDERS_ADMISSION_CHECK_INTERVAL_MS: '50' },
  });

  it('takes orders up to the limit, refuses the next with Retry-After, and takes them again once one is final', async () => {
    // Only Orders runs: every order it accepts stays PENDING until an event of the saga arrives.
    const accepted: string[] = [];
    const refusal = await waitFor(
      'a 503 once the saga holds the limit',
      async () => {
        const response = await orders.post();
        if (response.status === 201) accepted.push(((await response.json()) as { id: string }).id);
        return response.status === 503 ? response : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(accepted).toHaveLength(MAX_IN_FLIGHT);
    expect(Number(refusal.headers.get('retry-after'))).toBe(2);
    expect(await refusal.json()).toMatchObject({
      code: 'ORDERS_OVERLOADED',
      message: expect.stringContaining(`${MAX_IN_FLIGHT} accepted orders are not final yet`),
    });
    // Refused before its body is read: even a body that is not JSON gets the 503, not a 400.
    const unread = await orders.post('{not json');
    expect([unread.status, unread.headers.get('retry-after')]).toEqual([503, '2']);
    expect(await unread.json()).toMatchObject({ code: 'ORDERS_OVERLOADED' });

    // One order ends (out of stock: CANCELLED): there is room for one more.
    await orders.send(sagaEvents.unavailable(accepted[0]!));
    await waitFor('an order accepted again', async () => (await orders.post()).status === 201, {
      timeoutMs: 10_000,
    });
    expect((await orders.post()).status).toBe(503);
  });
});
