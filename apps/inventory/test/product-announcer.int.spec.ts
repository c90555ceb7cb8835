import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PedidoCriado } from '@loja/contracts';
import { declareStoreTopology, EventConsumers, TransactionPool } from '@loja/messaging';
import { BrokerProbe, countRoundTrips, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProductAnnouncer } from '../src/products/announce-products/product-announcer.service';
import { pedidoCriado, stockOf as inventoryStockOf } from './inventory-test-helpers';

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;

const SKU = 'CALCA-JEANS-42';

// The announcer runs at start and then only when a test asks (its interval is an hour), so what it
// publishes can be counted.
describe('ProductAnnouncer: the stock the saga moves, one ProdutoAtualizado per product per run', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let tap: Tap;
  let app: INestApplication;
  let baseUrl: string;

  const stockOf = (sku: string) => inventoryStockOf(baseUrl, sku);
  const announcementsOf = (sku: string, from: number) =>
    tap.messages.slice(from).filter((m) => m.body.type === 'ProdutoAtualizado' && m.body.data.sku === sku);

  beforeAll(async () => {
    ns = await TestNamespace.create('inventory-announcer');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    const databaseUrl = await ns.database('inventory', join(__dirname, '..'));
    const started = await startServiceForTest(async () => (await import('../src/app.module')).AppModule, {
      service: 'inventory',
      defaultPort: 0,
      env: { DATABASE_URL: databaseUrl, RABBITMQ_URL: ns.rabbitmqUrl, INVENTORY_ANNOUNCE_INTERVAL_MS: '3600000' },
    });
    app = started.app;
    baseUrl = started.baseUrl;
    await waitFor('catalogue seeded and announced', () => announcementsOf(SKU, 0).length === 1);
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await ns?.dispose();
  });

  // With the announcer idle, the reservations' transactions are all that runs on the pool.
  it('reserves an order in three round trips: its reservation and its stock locked, every write with COMMIT', async () => {
    const orders = Array.from({ length: 12 }, () => pedidoCriado([{ sku: SKU, quantity: 1 }]));
    const consumers = app.get(EventConsumers);
    const roundTrips = countRoundTrips(app.get(TransactionPool));
    try {
      for (const order of orders) {
        const handledBefore = consumers.stats.handled;
        await probe.publish('loja.events', PedidoCriado.routingKey, order);
        await waitFor('the order reserved', () => consumers.stats.handled > handledBefore);
      }
      // Three per order (the reservation locked with BEGIN, the stock locked, the writes with COMMIT), and
      // at most one more on each connection of the pool (6) the first time: a statement not prepared
      // there yet goes on its own.
      expect(roundTrips.count).toBeLessThanOrEqual(3 * orders.length + 6);
    } finally {
      roundTrips.stop();
    }
    await waitFor('all twelve reserved', () =>
      orders.every((order) =>
        tap.messages.some((m) => m.body.type === 'EstoqueReservado' && m.body.data.orderId === order.data.orderId),
      ),
    );
  });

  it('announces six reservations of a SKU as one event with the stock after the last', async () => {
    const from = tap.messages.length;
    const before = await stockOf(SKU);
    const orders = Array.from({ length: 6 }, () => pedidoCriado([{ sku: SKU, quantity: 1 }]));
    await Promise.all(orders.map((order) => probe.publish('loja.events', PedidoCriado.routingKey, order)));
    await waitFor('all six reserved', () =>
      orders.every((order) =>
        tap.messages.some((m) => m.body.type === 'EstoqueReservado' && m.body.data.orderId === order.data.orderId),
      ),
    );
    expect(await stockOf(SKU)).toBe(before - 6);

    const announcer = app.get(ProductAnnouncer);
    expect(await announcer.announceChanged()).toBe(1);
    const [announced] = await waitFor('ProdutoAtualizado published', () => {
      const found = announcementsOf(SKU, from);
      return found.length > 0 ? found : undefined;
    });
    // the reservations themselves announced nothing: the run's event is the only one, and the last state
    expect(announcementsOf(SKU, from)).toHaveLength(1);
    expect(announced!.body.data).toMatchObject({ sku: SKU, stockAvailable: before - 6 });
    expect(announced!.body.data.revision).toBeGreaterThan(1);

    expect(await announcer.announceChanged()).toBe(0);
  });

  it('two runs at once announce a change once', async () => {
    const from = tap.messages.length;
    const before = await stockOf(SKU);
    const order = pedidoCriado([{ sku: SKU, quantity: 2 }]);
    await probe.publish('loja.events', PedidoCriado.routingKey, order);
    await waitFor('reserved', () =>
      tap.messages.some((m) => m.body.type === 'EstoqueReservado' && m.body.data.orderId === order.data.orderId),
    );

    const announcer = app.get(ProductAnnouncer);
    const counts = await Promise.all([announcer.announceChanged(), announcer.announceChanged()]);
    expect(counts.sort()).toEqual([0, 1]);
    await waitFor('ProdutoAtualizado published', () => announcementsOf(SKU, from).length > 0);
    // a restock, announced in its own transaction, comes after it: nothing else was published between
    const restocked = await fetch(`${baseUrl}/products/${SKU}/restock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 2 }),
    });
    expect(restocked.status).toBe(200);
    await waitFor('restock announced', () => announcementsOf(SKU, from).length === 2);
    expect(announcementsOf(SKU, from).map((m) => m.body.data.stockAvailable)).toEqual([before - 2, before]);
    expect(await announcer.announceChanged()).toBe(0);
  });
});
