import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ordersUnderTest } from './orders-alone';

describe('getting an order', () => {
  const orders = ordersUnderTest('orders_get');

  describe('GET /orders/:id', () => {
    it('404s for unknown and malformed ids', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', "1' OR '1'='1"]) {
        const { status, body } = await orders.getJson(`/orders/${encodeURIComponent(id)}`);
        expect(status).toBe(404);
        expect(body).toMatchObject({ statusCode: 404, code: 'ORDER_NOT_FOUND' });
      }
    });
  });
});
