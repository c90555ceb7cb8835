import { SAMPLE_PAYMENT } from '@loja/contracts/samples';
import { describe, expect, it } from 'vitest';
import { ordersUnderTest, sagaEvents, type Json } from './orders-alone';

describe('listing orders', () => {
  const orders = ordersUnderTest('orders_list');

  describe('GET /orders', () => {
    it('pages newest first and filters by status', async () => {
      for (let i = 0; i < 2; i++) await orders.orderIn('SHIPPED');
      for (let i = 0; i < 2; i++) {
        const { id } = await orders.placeOrder();
        await orders.send(sagaEvents.unavailable(id));
        await orders.waitForTimeline(id, 2);
      }
      const placed: string[] = [];
      for (let i = 0; i < 3; i++) placed.push((await orders.placeOrder()).id as string);

      const first = await orders.getJson('/orders?pageSize=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, pageSize: 2 });
      expect(first.body.items.map((o: Json) => o.id)).toEqual([placed[2], placed[1]]);
      const second = await orders.getJson('/orders?page=2&pageSize=2');
      expect(second.body.items[0].id).toBe(placed[0]);
      expect(second.body.total).toBe(first.body.total);

      const all = await orders.getJson('/orders?pageSize=100');
      expect(all.body.total).toBe(7);
      const created = all.body.items.map((o: Json) => o.createdAt as string);
      expect([...created].sort().reverse()).toEqual(created);
      expect(JSON.stringify(all.body)).not.toContain(SAMPLE_PAYMENT.cardToken);

      const defaults = await orders.getJson('/orders');
      expect(defaults.body).toMatchObject({ page: 1, pageSize: 20 });

      const cancelled = await orders.getJson('/orders?status=CANCELLED&pageSize=100');
      expect(cancelled.body.total).toBe(2);
      expect(cancelled.body.items).toHaveLength(cancelled.body.total);
      expect(cancelled.body.items.every((o: Json) => o.status === 'CANCELLED')).toBe(true);
      const shipped = await orders.getJson('/orders?status=SHIPPED');
      expect(shipped.body.total).toBe(2);
      expect(shipped.body.items.every((o: Json) => o.status === 'SHIPPED')).toBe(true);
      expect(cancelled.body.total + shipped.body.total).toBeLessThan(all.body.total);
    });

    it('rejects a bad query naming every field', async () => {
      const bad = await orders.getJson('/orders?page=0&pageSize=101&status=LOST&sort=asc');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_REQUEST');
      expect(bad.body.errors.map((e: Json) => e.field).sort()).toEqual(['page', 'pageSize', 'sort', 'status']);
      for (const query of ['page=abc', 'page=1.5', 'pageSize=0', 'pageSize=', 'page=1&page=2']) {
        const response = await orders.getJson(`/orders?${query}`);
        expect(response.status, query).toBe(400);
      }
    });
  });
});
