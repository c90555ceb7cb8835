import { randomBytes } from 'node:crypto';
import { dropStore, startStore, type RunningService, type RunningStore } from '@loja/store-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderRequest, StoreClient } from './store-client';

/**
 * Two inventory processes and two payments processes compete for the same queues while 200 orders
 * arrive at once for two scarce SKUs: no unit may be sold twice and no order charged twice.
 */
describe('replicas under contention', () => {
  let store: RunningStore;
  let client: StoreClient;
  const replicas: RunningService[] = [];

  beforeAll(async () => {
    store = await startStore({
      namespace: `conc${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      env: { MESSAGING_RETRY_INITIAL_DELAY_MS: '200', MESSAGING_RETRY_MULTIPLIER: '2' },
      serviceEnv: { logistics: { SHIPPING_DELAY_MS: '0' } },
    });
    replicas.push(await store.addReplica('inventory'), await store.addReplica('payments'));
    client = new StoreClient({ orders: store.service('orders').url, inventory: store.service('inventory').url });
    await client.catalogueReplicated();
  });

  afterAll(async () => {
    await store?.stop();
    if (store) await dropStore(store.namespace);
  });

  const handledBy = async (url: string) =>
    ((await (await fetch(`${url}/health`)).json()) as { details: { consumers: { handled: number } } }).details.consumers
      .handled;

  it(
    '200 concurrent orders on 25 units: 25 shipped, 175 out of stock, stock 0, one payment per order',
    { timeout: 300_000 },
    async () => {
      const stockBefore = await client.stock();
      expect(stockBefore.get('BONE-EDICAO-LIMITADA')).toBe(10);
      expect(stockBefore.get('JAQUETA-COURO-M')).toBe(15);
      const inventoryBefore = await Promise.all([store.service('inventory').url, replicas[0]!.url].map(handledBy));

      const placed = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          client.placeOrder(
            orderRequest(
              [{ sku: i % 2 ? 'BONE-EDICAO-LIMITADA' : 'JAQUETA-COURO-M', quantity: 1 }],
              'tok_visa',
              `c${i}@example.com`,
            ),
          ),
        ),
      );
      expect(placed.map((p) => p.status).filter((s) => s !== 201)).toEqual([]);
      const settled = await Promise.all(placed.map((p) => client.settled(p.order.id, 240_000)));

      const shipped = settled.filter((o) => o.status === 'SHIPPED');
      const shippedOf = (sku: string) => shipped.filter((o) => o.lines[0]!.sku === sku).length;
      expect(shippedOf('BONE-EDICAO-LIMITADA')).toBe(10);
      expect(shippedOf('JAQUETA-COURO-M')).toBe(15);
      expect(settled.filter((o) => o.status === 'CANCELLED' && o.cancellationReason === 'OUT_OF_STOCK')).toHaveLength(
        175,
      );
      const stockAfter = await client.stock();
      expect(stockAfter.get('BONE-EDICAO-LIMITADA')).toBe(0);
      expect(stockAfter.get('JAQUETA-COURO-M')).toBe(0);

      // one payment for each shipped order, none for the others: asked of both payments processes
      for (const url of [store.service('payments').url, replicas[1]!.url]) {
        const counts = await Promise.all(
          settled.map(
            async (o) => ((await (await fetch(`${url}/payments?orderId=${o.id}`)).json()) as unknown[]).length,
          ),
        );
        expect(counts.filter((n, i) => n !== (settled[i]!.status === 'SHIPPED' ? 1 : 0))).toEqual([]);
      }
      // both inventory processes took part in the reservations
      const inventoryAfter = await Promise.all([store.service('inventory').url, replicas[0]!.url].map(handledBy));
      expect(inventoryAfter.map((n, i) => n - inventoryBefore[i]!).every((n) => n > 0)).toBe(true);
    },
  );
});
