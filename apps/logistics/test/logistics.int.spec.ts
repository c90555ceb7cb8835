import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, PagamentoAprovado, PedidoCriado, type EventDefinition } from '@loja/contracts';
import { SAMPLE_SHIPPING_ADDRESS, sampleData } from '@loja/contracts/samples';
import { declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;
type Stats = { handled: number; duplicates: number; retried: number; deadLettered: number };
type ShipmentView = {
  id: string;
  orderId: string;
  status: 'PREPARING' | 'SHIPPED';
  carrier: string | null;
  trackingCode: string | null;
  shipAfter: string;
  shippedAt: string | null;
  shippingAddress: { city: string };
  lines: Array<{ sku: string; quantity: number }>;
};

function pedidoCriado() {
  const orderId = randomUUID();
  const data = sampleData(PedidoCriado, {
    orderId,
    customer: { id: 'c-7', name: 'Bruno Lima', email: 'bruno@example.com' },
    lines: [
      { sku: 'CAMISETA-BASICA-M', name: 'Camiseta', quantity: 2, unitPriceCents: 4990 },
      { sku: 'MEIA-ALGODAO-KIT3', name: 'Meias', quantity: 1, unitPriceCents: 2990 },
    ],
    shippingAddress: { ...SAMPLE_SHIPPING_ADDRESS, complement: 'apto 12' },
  });
  return createEvent(PedidoCriado, data, { source: 'orders', correlationId: orderId });
}

function pagamentoAprovado(order: ReturnType<typeof pedidoCriado>) {
  const { orderId, totalCents } = order.data;
  return createEvent(
    PagamentoAprovado,
    sampleData(PagamentoAprovado, { orderId, paymentId: randomUUID(), amountCents: totalCents }),
    { source: 'payments', correlationId: orderId, causationId: order.id },
  );
}

describe('logistics on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let tap: Tap;
  let databaseUrl: string;
  let app: INestApplication | undefined;
  let baseUrl: string;

  const publish = (definition: EventDefinition, event: { id: string }) =>
    probe.publish('loja.events', definition.routingKey, event);
  const eventsFor = (orderId: string, type: string) =>
    tap.messages.filter((m) => m.body.type === type && m.body.data.orderId === orderId);
  const firstEvent = (orderId: string, type: string, timeoutMs?: number) =>
    waitFor(
      `${type} for ${orderId}`,
      () => {
        const found = eventsFor(orderId, type);
        return found.length ? found[0]! : undefined;
      },
      { timeoutMs },
    );
  const shipmentsOf = async (orderId: string) =>
    (await (await fetch(`${baseUrl}/shipments?orderId=${orderId}`)).json()) as ShipmentView[];
  const stats = async (): Promise<Stats> =>
    ((await (await fetch(`${baseUrl}/health`)).json()) as { details: { consumers: Stats } }).details.consumers;

  /** (Re)starts logistics on the file's database and vhost; the previous instance must be closed. */
  async function startLogistics(env: Record<string, string>) {
    ({ app, baseUrl } = await startServiceForTest(async () => (await import('../src/app.module.js')).AppModule, {
      service: 'logistics',
      defaultPort: 0,
      env: {
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: ns.rabbitmqUrl,
        MESSAGING_RETRY_ATTEMPTS: '5',
        MESSAGING_RETRY_INITIAL_DELAY_MS: '200',
        MESSAGING_RETRY_MULTIPLIER: '2',
        ...env,
      },
    }));
  }

  /** A new order, then its payment: the order's id and its shipment as Logistics prepared it. */
  async function paidAndPrepared() {
    const order = pedidoCriado();
    const { orderId } = order.data;
    await publish(PedidoCriado, order);
    await publish(PagamentoAprovado, pagamentoAprovado(order));
    await firstEvent(orderId, 'PedidoEmPreparo');
    const [preparing] = await shipmentsOf(orderId);
    return { orderId, preparing: preparing! };
  }

  async function stopLogistics() {
    await app?.close();
    app = undefined;
  }

  beforeAll(async () => {
    ns = await TestNamespace.create('logistics');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    databaseUrl = await ns.database('logistics', join(__dirname, '..'));
    // No delay, and a sweep too slow to matter: shipping at once must come from the post-commit timer.
    await startLogistics({ SHIPPING_DELAY_MS: '0', LOGISTICS_DISPATCH_INTERVAL_MS: '60000' });
  });

  afterAll(async () => {
    await stopLogistics();
    await probe?.close();
    await ns?.dispose();
  });

  it('PagamentoAprovado → PedidoEmPreparo, then PedidoEnviado with carrier and tracking code', async () => {
    const order = pedidoCriado();
    const { orderId } = order.data;
    const paid = pagamentoAprovado(order);
    await publish(PedidoCriado, order);
    await publish(PagamentoAprovado, paid);

    const preparing = await firstEvent(orderId, 'PedidoEmPreparo');
    expect(preparing.body).toMatchObject({
      source: 'logistics',
      correlationId: orderId,
      causationId: paid.id,
      data: { orderId },
    });
    const shipmentId = preparing.body.data.shipmentId as string;

    const sent = await firstEvent(orderId, 'PedidoEnviado');
    expect(sent.body).toMatchObject({
      source: 'logistics',
      correlationId: orderId,
      causationId: preparing.body.id,
      data: { orderId, shipmentId, carrier: 'Correios' },
    });
    expect(sent.body.data.trackingCode).toMatch(/^LJ\d{9}BR$/);

    const [shipment, ...others] = await shipmentsOf(orderId);
    expect(others).toEqual([]);
    expect(shipment).toMatchObject({
      id: shipmentId,
      status: 'SHIPPED',
      carrier: 'Correios',
      trackingCode: sent.body.data.trackingCode,
      shippedAt: sent.body.data.shippedAt,
      shippingAddress: { city: SAMPLE_SHIPPING_ADDRESS.city, complement: 'apto 12' },
      lines: [
        { sku: 'CAMISETA-BASICA-M', quantity: 2 },
        { sku: 'MEIA-ALGODAO-KIT3', quantity: 1 },
      ],
    });
  });

  it('the same PagamentoAprovado 5 times and another one for the same order → one shipment, shipped once', async () => {
    const before = await stats();
    const order = pedidoCriado();
    const { orderId } = order.data;
    const paid = pagamentoAprovado(order);
    await publish(PedidoCriado, order);
    await Promise.all([
      ...Array.from({ length: 5 }, () => publish(PagamentoAprovado, paid)),
      publish(PagamentoAprovado, pagamentoAprovado(order)), // same order, different event id
    ]);
    // A later order proves the queues moved past every copy.
    const sentinel = pedidoCriado();
    await publish(PedidoCriado, sentinel);
    await publish(PagamentoAprovado, pagamentoAprovado(sentinel));

    await waitFor('every delivery settled', async () => {
      const now = await stats();
      // PedidoCriado ×2, PagamentoAprovado ×7: each ends handled once or recognised as a duplicate.
      return now.handled - before.handled + (now.duplicates - before.duplicates) >= 9;
    });
    const sentinelSent = await firstEvent(sentinel.data.orderId, 'PedidoEnviado');
    const sent = await firstEvent(orderId, 'PedidoEnviado');
    expect((await stats()).duplicates - before.duplicates).toBe(4);

    const shipments = await shipmentsOf(orderId);
    expect(shipments).toHaveLength(1);
    expect(shipments[0]!.status).toBe('SHIPPED');
    expect(eventsFor(orderId, 'PedidoEmPreparo')).toHaveLength(1);
    expect(eventsFor(orderId, 'PedidoEnviado')).toHaveLength(1);
    expect(sent.body.data.trackingCode).not.toBe(sentinelSent.body.data.trackingCode);
  });

  it('PagamentoAprovado before PedidoCriado: retried until the address arrives, then shipped', async () => {
    const before = await stats();
    const order = pedidoCriado();
    const { orderId } = order.data;
    await publish(PagamentoAprovado, pagamentoAprovado(order));
    await waitFor('first attempt failed for lack of an address', async () => (await stats()).retried > before.retried);
    expect(await shipmentsOf(orderId)).toEqual([]);

    await publish(PedidoCriado, order);
    await firstEvent(orderId, 'PedidoEnviado');
    expect(await shipmentsOf(orderId)).toEqual([expect.objectContaining({ status: 'SHIPPED' })]);
  });

  it('GET /shipments rejects a bad query with field errors', async () => {
    const bad = await fetch(`${baseUrl}/shipments?orderId=123&extra=1`);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; errors: Array<{ field: string }> };
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['extra', 'orderId']);
    expect(await shipmentsOf(randomUUID())).toEqual([]);
  });

  it('a delayed shipment leaves at its due time, from the timer its preparation set, not the sweep', async () => {
    const delayMs = 500;
    await stopLogistics();
    // The sweep runs once at start, then not again within this test.
    await startLogistics({ SHIPPING_DELAY_MS: String(delayMs), LOGISTICS_DISPATCH_INTERVAL_MS: '60000' });

    const { orderId, preparing } = await paidAndPrepared();
    const shipAfter = Date.parse(preparing.shipAfter);

    const sent = await firstEvent(orderId, 'PedidoEnviado', 10_000);
    const shippedAt = Date.parse(sent.body.data.shippedAt);
    expect(shippedAt).toBeGreaterThanOrEqual(shipAfter);
    expect(shippedAt - shipAfter).toBeLessThan(5_000);
  });

  it('a delayed shipment survives a restart: closed before it is due, a new instance ships it', async () => {
    const delayMs = 3000;
    await stopLogistics();
    await startLogistics({ SHIPPING_DELAY_MS: String(delayMs), LOGISTICS_DISPATCH_INTERVAL_MS: '200' });

    const { orderId, preparing } = await paidAndPrepared();
    expect(preparing).toMatchObject({ status: 'PREPARING', trackingCode: null, shippedAt: null });
    const shipAfter = Date.parse(preparing.shipAfter);

    await stopLogistics();
    // The precondition of this test: the first instance is gone before the shipment fell due.
    expect(Date.now()).toBeLessThan(shipAfter);
    expect(eventsFor(orderId, 'PedidoEnviado')).toEqual([]);

    await startLogistics({ SHIPPING_DELAY_MS: String(delayMs), LOGISTICS_DISPATCH_INTERVAL_MS: '200' });
    const sent = await firstEvent(orderId, 'PedidoEnviado');
    expect(Date.parse(sent.body.data.shippedAt)).toBeGreaterThanOrEqual(shipAfter);
    const [shipped] = await shipmentsOf(orderId);
    expect(shipped).toMatchObject({ status: 'SHIPPED', trackingCode: sent.body.data.trackingCode });
    expect(eventsFor(orderId, 'PedidoEnviado')).toHaveLength(1);
  });
});
