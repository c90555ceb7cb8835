import { randomBytes, randomUUID } from 'node:crypto';
import { BrokerProbe, waitFor } from '@loja/messaging/testing';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderRequest, StoreClient, type OrderView } from './store-client';

/** Long enough to cancel an order IN_PREPARATION at leisure, short enough to race shipments quickly. */
const SHIPPING_DELAY_MS = 1500;

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;
interface PaymentView {
  status: string;
  refundId: string | null;
  refundedAt: string | null;
}
interface ShipmentView {
  status: string;
}

/**
 * A customer's cancellation across the five services (ADR 9): Orders records the request, Logistics
 * decides against the shipment, and every effect of an accepted cancellation happens once: stock back,
 * payment refunded (or never charged), one e-mail, the order CANCELLED with CUSTOMER_CANCELLED.
 */
describe('customer cancellation across all five services', () => {
  let store: RunningStore;
  let client: StoreClient;
  let probe: BrokerProbe;
  let tap: Tap;

  const mailsFor = (orderId: string) =>
    store.mailSink!.messages().filter((m) => m.headers['x-loja-order-id'] === orderId);
  const noticesFor = (orderId: string) =>
    mailsFor(orderId)
      .map((m) => m.headers['x-loja-notice'])
      .sort();
  const mailOf = (orderId: string, notice: string) =>
    mailsFor(orderId).find((m) => m.headers['x-loja-notice'] === notice);
  const eventsOf = (orderId: string, type?: string) =>
    tap.messages.filter((m) => m.body.data?.orderId === orderId && (!type || m.body.type === type));
  const paymentsOf = async (orderId: string) =>
    (await (await fetch(`${store.service('payments').url}/payments?orderId=${orderId}`)).json()) as PaymentView[];
  const shipmentsOf = async (orderId: string) =>
    (await (await fetch(`${store.service('logistics').url}/shipments?orderId=${orderId}`)).json()) as ShipmentView[];
  const inStatus = (orderId: string, status: string) =>
    waitFor(`order ${orderId} ${status}`, async () => {
      const order = await client.order(orderId);
      return order.status === status ? order : undefined;
    });
  const types = (order: OrderView) => order.timeline.map((step) => step.type);

  /** Waits for the whole compensation of an accepted cancellation and returns the final order. */
  async function settledCancellation(orderId: string, settledBy: 'PagamentoEstornado' | 'PagamentoCancelado') {
    const cancelled = await client.settled(orderId);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CUSTOMER_CANCELLED' });
    await waitFor('cancellation e-mail', () => mailOf(orderId, 'cancelled'));
    return waitFor('every step on the timeline', async () => {
      const order = await client.order(orderId);
      return types(order).includes(settledBy) ? order : undefined;
    });
  }

  beforeAll(async () => {
    store = await startStore({
      namespace: `e2e${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      env: { MESSAGING_RETRY_INITIAL_DELAY_MS: '200', MESSAGING_RETRY_MULTIPLIER: '2', MESSAGING_RETRY_ATTEMPTS: '6' },
      serviceEnv: {
        logistics: { SHIPPING_DELAY_MS: String(SHIPPING_DELAY_MS), LOGISTICS_DISPATCH_INTERVAL_MS: '100' },
        payments: { PAYMENTS_FLAKY_FAILURES: '2' },
      },
    });
    client = new StoreClient({ orders: store.service('orders').url, inventory: store.service('inventory').url });
    probe = await BrokerProbe.connect(store.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    await client.catalogueReplicated();
  });

  afterAll(async () => {
    await probe?.close();
    await store?.stop();
    if (store) await dropStore(store.namespace);
  });

  it('IN_PREPARATION: the shipment is stopped, the stock back on the shelf, the payment refunded after a transient failure', async () => {
    const sku = 'CAMISETA-BASICA-M';
    const before = (await client.stock()).get(sku)!;
    const { order } = await client.placeOrder(orderRequest([{ sku, quantity: 2 }], 'tok_refund_flaky'));
    await inStatus(order.id, 'IN_PREPARATION');

    const requested = await client.cancel(order.id, 'comprei o tamanho errado');
    expect(requested.status).toBe(202);
    expect(requested.body.cancellationRequestedAt).toEqual(expect.any(String));
    expect(types(requested.body)).toContain('CancelamentoSolicitado');

    const cancelled = await settledCancellation(order.id, 'PagamentoEstornado');
    // Inventory and Payments both act on PedidoCancelado: their two entries come in either order.
    expect(types(cancelled).slice(0, 6)).toEqual([
      'PedidoCriado',
      'EstoqueReservado',
      'PagamentoAprovado',
      'PedidoEmPreparo',
      'CancelamentoSolicitado',
      'CancelamentoAceito',
    ]);
    expect(types(cancelled).slice(6).sort()).toEqual(['EstoqueLiberado', 'PagamentoEstornado']);
    expect(cancelled.timeline.slice(5).map((step) => step.status)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);

    expect(await paymentsOf(order.id)).toEqual([
      expect.objectContaining({ status: 'APPROVED', refundId: expect.any(String), refundedAt: expect.any(String) }),
    ]);
    expect(eventsOf(order.id, 'PagamentoEstornado')).toHaveLength(1);
    expect(await shipmentsOf(order.id)).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    await waitFor('stock back on the shelf', async () => (await client.stock()).get(sku) === before);
    expect(noticesFor(order.id)).toEqual(['cancelled', 'paid', 'received']);
    expect(mailOf(order.id, 'cancelled')!.text).toMatch(/estornado/);

    expect(eventsOf(order.id, 'PedidoEnviado')).toEqual([]);
  });

  it('STOCK_RESERVED: the charge never happens, the held stock is released, nothing was charged', async () => {
    const sku = 'MOLETOM-CAPUZ-G';
    const before = (await client.stock()).get(sku)!;
    // The gateway is down: the order stays STOCK_RESERVED while its charge is retried.
    const { order } = await client.placeOrder(orderRequest([{ sku, quantity: 1 }], 'tok_gateway_down'));
    await inStatus(order.id, 'STOCK_RESERVED');
    expect((await client.cancel(order.id)).status).toBe(202);

    const cancelled = await settledCancellation(order.id, 'PagamentoCancelado');
    expect(types(cancelled)).toEqual(
      expect.arrayContaining(['CancelamentoSolicitado', 'CancelamentoAceito', 'EstoqueLiberado']),
    );
    expect(await paymentsOf(order.id)).toEqual([]);
    await waitFor('held stock released', async () => (await client.stock()).get(sku) === before);
    expect(noticesFor(order.id)).toEqual(['cancelled', 'received']);
    expect(mailOf(order.id, 'cancelled')!.text).toContain('Nenhum valor foi cobrado.');
  });

  it('PENDING or later: cancelled right after it is placed, every effect once', async () => {
    const sku = 'MEIA-ALGODAO-KIT3';
    const before = (await client.stock()).get(sku)!;
    const { order } = await client.placeOrder(orderRequest([{ sku, quantity: 1 }]));
    const requested = await client.cancel(order.id);
    expect(requested.status).toBe(202);
    const again = await client.cancel(order.id);
    expect(again.status).toBe(202);

    const cancelled = await client.settled(order.id);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CUSTOMER_CANCELLED' });
    await waitFor('cancellation e-mail', () => mailOf(order.id, 'cancelled'));
    await waitFor('stock back', async () => (await client.stock()).get(sku) === before);
    expect(eventsOf(order.id, 'CancelamentoSolicitado')).toHaveLength(1);
    // Whether Payments charged before the cancellation reached it decides which of the two settles it.
    const settled = await waitFor('settled by Payments', () =>
      eventsOf(order.id).find((m) => ['PagamentoEstornado', 'PagamentoCancelado'].includes(m.body.type)),
    );
    const payments = await paymentsOf(order.id);
    if (settled.body.type === 'PagamentoEstornado') expect(payments[0]!.refundedAt).toEqual(expect.any(String));
    else expect(payments.filter((p) => p.status === 'APPROVED')).toEqual([]);
    expect((await client.cancel(order.id)).status).toBe(200);
  });

  it('SHIPPED: 409 ORDER_ALREADY_SHIPPED; an unknown order is 404', async () => {
    const { order } = await client.placeOrder(orderRequest([{ sku: 'CALCA-JEANS-42', quantity: 1 }]));
    await inStatus(order.id, 'SHIPPED');
    const refused = await client.cancel(order.id);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ORDER_ALREADY_SHIPPED');
    expect((await client.order(order.id)).status).toBe('SHIPPED');
    expect((await client.cancel(randomUUID())).status).toBe(404);
    expect((await client.cancel('not-a-uuid')).status).toBe(404);
  });

  it('races cancellations against shipments: every order ends in exactly one consistent outcome', async () => {
    const sku = 'CAMISETA-BASICA-P';
    const orders = 16;
    await client.restock(sku, orders);
    const before = (await client.stock()).get(sku)!;
    const placed = await Promise.all(
      Array.from({ length: orders }, (_, i) =>
        client.placeOrder(orderRequest([{ sku, quantity: 1 }], 'tok_visa', `corrida${i}@example.com`)),
      ),
    );
    // Each cancellation is aimed at its order's shipping moment, give or take 150 ms.
    const outcomes = await Promise.all(
      placed.map(async ({ order }, i) => {
        const preparing = await waitFor('PedidoEmPreparo', () => eventsOf(order.id, 'PedidoEmPreparo')[0]);
        const shipsAt = Date.parse(preparing.body.occurredAt) + SHIPPING_DELAY_MS;
        const aimAt = shipsAt + ((i % 7) - 3) * 50;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, aimAt - Date.now())));
        const { status } = await client.cancel(order.id);
        return { orderId: order.id, status };
      }),
    );

    let cancelled = 0;
    let shipped = 0;
    for (const { orderId, status } of outcomes) {
      expect([202, 409]).toContain(status);
      const final = await client.settled(orderId);
      const refused = await waitFor('the decision', async () => {
        if (status === 409) return 'too late for Orders';
        const decided = eventsOf(orderId).find((m) =>
          ['CancelamentoAceito', 'CancelamentoRecusado'].includes(m.body.type),
        );
        return decided?.body.type as string | undefined;
      });
      if (final.status === 'CANCELLED') {
        cancelled++;
        expect(refused).toBe('CancelamentoAceito');
        expect(final.cancellationReason).toBe('CUSTOMER_CANCELLED');
        await waitFor('refund', async () => (await paymentsOf(orderId))[0]?.refundedAt);
        expect(eventsOf(orderId, 'PedidoEnviado')).toEqual([]);
        expect(await shipmentsOf(orderId)).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
        await waitFor('cancellation e-mail', () => mailOf(orderId, 'cancelled'));
        expect(noticesFor(orderId)).not.toContain('shipped');
      } else {
        shipped++;
        expect(final.status).toBe('SHIPPED');
        expect(eventsOf(orderId, 'CancelamentoAceito')).toEqual([]);
        expect((await paymentsOf(orderId))[0]?.refundedAt).toBeNull();
        expect(await shipmentsOf(orderId)).toEqual([expect.objectContaining({ status: 'SHIPPED' })]);
        if (refused === 'CancelamentoRecusado') {
          await waitFor('the refusal on the timeline', async () =>
            types(await client.order(orderId)).includes('CancelamentoRecusado'),
          );
          await waitFor('refusal e-mail', () => mailOf(orderId, 'cancellation_refused'));
          expect(mailOf(orderId, 'cancellation_refused')!.text).toContain(final.trackingCode!);
        }
      }
      expect(eventsOf(orderId, 'PagamentoEstornado').length).toBe(final.status === 'CANCELLED' ? 1 : 0);
    }
    expect(cancelled + shipped).toBe(orders);
    await waitFor('stock = before − shipped', async () => (await client.stock()).get(sku) === before - shipped);
    console.log(`race: ${cancelled} cancelled in time, ${shipped} shipped first`);
  });

  it('duplicates of every cancellation event change nothing', async () => {
    const sku = 'CAMISETA-BASICA-M';
    const { order } = await client.placeOrder(orderRequest([{ sku, quantity: 1 }]));
    await inStatus(order.id, 'IN_PREPARATION');
    await client.cancel(order.id);
    const first = await settledCancellation(order.id, 'PagamentoEstornado');
    const stock = (await client.stock()).get(sku);
    await waitFor('stock settled', async () => (await client.stock()).get(sku) === stock);

    const copies = eventsOf(order.id).filter((m) =>
      [
        'CancelamentoSolicitado',
        'CancelamentoAceito',
        'PedidoCancelado',
        'PagamentoEstornado',
        'EstoqueLiberado',
      ].includes(m.body.type),
    );
    expect(copies).toHaveLength(5);
    for (const copy of copies) {
      for (let i = 0; i < 3; i++) await probe.publish('loja.events', copy.routingKey, copy.body, copy.properties);
    }
    // The same request under a new event id, as a second Orders replica might have sent it.
    const solicitado = copies.find((m) => m.body.type === 'CancelamentoSolicitado')!;
    await probe.publish('loja.events', solicitado.routingKey, { ...solicitado.body, id: randomUUID() });

    // A later order through the same queues proves they moved past every copy.
    const sentinel = await client.placeOrder(orderRequest([{ sku, quantity: 1 }]));
    await inStatus(sentinel.order.id, 'IN_PREPARATION');
    await client.cancel(sentinel.order.id);
    await settledCancellation(sentinel.order.id, 'PagamentoEstornado');

    expect(types(await client.order(order.id))).toEqual(types(first));
    expect(await paymentsOf(order.id)).toEqual([expect.objectContaining({ refundedAt: expect.any(String) })]);
    expect(new Set(eventsOf(order.id, 'CancelamentoAceito').map((m) => m.body.id)).size).toBe(1);
    expect(new Set(eventsOf(order.id, 'PagamentoEstornado').map((m) => m.body.id)).size).toBe(1);
    expect(mailsFor(order.id).filter((m) => m.headers['x-loja-notice'] === 'cancelled')).toHaveLength(1);
    expect((await client.stock()).get(sku)).toBe(stock!);
  });
});
