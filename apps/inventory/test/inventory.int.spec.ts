import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, PagamentoRejeitado, PedidoCancelado, PedidoCriado, type EventDefinition } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { declareStoreTopology, EventConsumers } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service';
import { pedidoCriado, stockOf as inventoryStockOf } from './inventory-test-helpers';

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;

describe('inventory on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let tap: Tap;
  const apps: INestApplication[] = [];
  let baseUrl: string;

  const stockOf = (sku: string) => inventoryStockOf(baseUrl, sku);
  const eventsFor = (orderId: string, type: string) =>
    tap.messages.filter((m) => m.body.type === type && m.body.data.orderId === orderId);
  const publish = (definition: EventDefinition, event: { id: string }) =>
    probe.publish('loja.events', definition.routingKey, event);

  async function startInventory(databaseUrl: string) {
    const started = await startServiceForTest(async () => (await import('../src/app.module')).AppModule, {
      service: 'inventory',
      defaultPort: 0,
      env: { DATABASE_URL: databaseUrl, RABBITMQ_URL: ns.rabbitmqUrl, MESSAGING_RETRY_INITIAL_DELAY_MS: '100' },
    });
    apps.push(started.app);
    return started.baseUrl;
  }

  beforeAll(async () => {
    ns = await TestNamespace.create('inventory');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    const databaseUrl = await ns.database('inventory', join(__dirname, '..'));
    // Two inventory processes' worth of consumers on the same queues and database.
    baseUrl = await startInventory(databaseUrl);
    await startInventory(databaseUrl);
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await probe?.close();
    await ns?.dispose();
  });

  it('seeds a catalogue of at least 8 SKUs once and announces each product once', async () => {
    const products = (await (await fetch(`${baseUrl}/products`)).json()) as unknown[];
    expect(products.length).toBeGreaterThanOrEqual(8);
    const announced = await waitFor('catalogue announced', async () => {
      const messages = await probe.peek('orders.catalog-replica');
      return messages.length >= products.length ? messages : undefined;
    });
    // two processes started on the same database: still one announcement per product
    expect(announced).toHaveLength(products.length);
  });

  it('reserves every line of an order and takes the stock', async () => {
    const before = await stockOf('CAMISETA-BASICA-M');
    const event = pedidoCriado([
      { sku: 'CAMISETA-BASICA-M', quantity: 2 },
      { sku: 'MEIA-ALGODAO-KIT3', quantity: 1 },
    ]);
    await publish(PedidoCriado, event);
    const [reserved] = await waitFor('EstoqueReservado', () => {
      const found = eventsFor(event.data.orderId, 'EstoqueReservado');
      return found.length ? found : undefined;
    });
    expect(reserved!.body).toMatchObject({
      causationId: event.id,
      correlationId: event.data.orderId,
      source: 'inventory',
    });
    expect(await stockOf('CAMISETA-BASICA-M')).toBe(before - 2);
    // Orders' catalogue replica hears of the new stock within an announcer interval (500 ms)
    await waitFor('ProdutoAtualizado with the stock left', () =>
      tap.messages.some(
        (m) =>
          m.body.type === 'ProdutoAtualizado' &&
          m.body.data.sku === 'CAMISETA-BASICA-M' &&
          m.body.data.stockAvailable === before - 2,
      ),
    );
  });

  it('reserves nothing when one line is short, and names the missing SKUs', async () => {
    const before = await stockOf('CAMISETA-BASICA-G');
    const event = pedidoCriado([
      { sku: 'CAMISETA-BASICA-G', quantity: 1 },
      { sku: 'JAQUETA-COURO-M', quantity: 999 },
      { sku: 'NAO-EXISTE', quantity: 1 },
    ]);
    await publish(PedidoCriado, event);
    const [unavailable] = await waitFor('EstoqueIndisponivel', () => {
      const found = eventsFor(event.data.orderId, 'EstoqueIndisponivel');
      return found.length ? found : undefined;
    });
    expect(unavailable!.body.data.missing).toEqual([
      { sku: 'JAQUETA-COURO-M', requested: 999, available: 15 },
      { sku: 'NAO-EXISTE', requested: 1, available: 0 },
    ]);
    expect(await stockOf('CAMISETA-BASICA-G')).toBe(before);
  });

  it('releases a reservation exactly once on PagamentoRejeitado followed by PedidoCancelado', async () => {
    const before = await stockOf('VESTIDO-LINHO-M');
    const order = pedidoCriado([{ sku: 'VESTIDO-LINHO-M', quantity: 3 }]);
    const { orderId } = order.data;
    await publish(PedidoCriado, order);
    await waitFor('reserved', () => eventsFor(orderId, 'EstoqueReservado').length === 1);
    expect(await stockOf('VESTIDO-LINHO-M')).toBe(before - 3);

    const meta = { source: 'payments' as const, correlationId: orderId, causationId: order.id };
    const rejected = createEvent(
      PagamentoRejeitado,
      sampleData(PagamentoRejeitado, { orderId, paymentId: randomUUID(), amountCents: 1000 }),
      meta,
    );
    const cancelled = createEvent(
      PedidoCancelado,
      { orderId, reason: 'PAYMENT_REJECTED' },
      { ...meta, source: 'orders' },
    );
    const outcomes = () =>
      apps.map((app) => app.get(EventConsumers).stats).reduce((sum, s) => sum + s.handled + s.duplicates, 0);
    const before3 = outcomes();
    await publish(PagamentoRejeitado, rejected);
    await publish(PagamentoRejeitado, rejected); // redelivered
    await publish(PedidoCancelado, cancelled);

    // all three handled (one release, two that find nothing held) by either process
    await waitFor('the three messages handled', () => outcomes() - before3 >= 3);
    const releasesWritten = await apps[0]!.get(PrismaService).outboxMessage.count({
      where: { type: 'EstoqueLiberado', envelope: { path: ['data', 'orderId'], equals: orderId } },
    });
    expect(releasesWritten).toBe(1);
    await waitFor('EstoqueLiberado published', () => eventsFor(orderId, 'EstoqueLiberado').length === 1);
    expect(eventsFor(orderId, 'EstoqueLiberado')[0]!.body.data).toEqual({
      orderId,
      lines: [{ sku: 'VESTIDO-LINHO-M', quantity: 3 }],
      reason: 'PAYMENT_REJECTED',
    });
    expect(await stockOf('VESTIDO-LINHO-M')).toBe(before);
  });

  it('never oversells: 50 concurrent orders for 10 units across two processes → 10 reserved, 40 unavailable', async () => {
    const sku = 'BONE-EDICAO-LIMITADA';
    expect(await stockOf(sku)).toBe(10);
    const orders = Array.from({ length: 50 }, () => pedidoCriado([{ sku, quantity: 1 }]));
    await Promise.all(orders.map((order) => publish(PedidoCriado, order)));

    const outcomes = await waitFor(
      'every order decided',
      () => {
        const decided = orders.map((o) => [
          ...eventsFor(o.data.orderId, 'EstoqueReservado'),
          ...eventsFor(o.data.orderId, 'EstoqueIndisponivel'),
        ]);
        return decided.every((d) => d.length >= 1) ? decided : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(outcomes.every((d) => d.length === 1)).toBe(true);
    const types = outcomes.map((d) => d[0]!.body.type);
    expect(types.filter((t) => t === 'EstoqueReservado')).toHaveLength(10);
    expect(types.filter((t) => t === 'EstoqueIndisponivel')).toHaveLength(40);
    expect(await stockOf(sku)).toBe(0);
  });

  it('restocks a SKU over HTTP, announces it, and rejects bad input with field errors', async () => {
    const before = await stockOf('TENIS-CORRIDA-40');
    const response = await fetch(`${baseUrl}/products/TENIS-CORRIDA-40/restock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 5 }),
    });
    expect(response.status).toBe(200);
    expect(await stockOf('TENIS-CORRIDA-40')).toBe(before + 5);
    await waitFor('ProdutoAtualizado with the new stock', () =>
      tap.messages.some(
        (m) =>
          m.body.type === 'ProdutoAtualizado' &&
          m.body.data.sku === 'TENIS-CORRIDA-40' &&
          m.body.data.stockAvailable === before + 5,
      ),
    );

    const bad = await fetch(`${baseUrl}/products/TENIS-CORRIDA-40/restock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: -1, extra: 1 }),
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { errors: Array<{ field: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['extra', 'quantity']);
    const unknown = await fetch(`${baseUrl}/products/NAO-EXISTE/restock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: 1 }),
    });
    expect(unknown.status).toBe(404);
  });
});
