import { randomBytes } from 'node:crypto';
import { BrokerProbe, waitFor } from '@loja/messaging/testing';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderRequest, StoreClient } from './store-client';

/**
 * The whole store as a user runs it: five service processes, each with its own database, on their own
 * vhost, and a mail sink; orders go in over HTTP and everything else happens through events.
 */
describe('the order saga across all five services', () => {
  let store: RunningStore;
  let client: StoreClient;
  let probe: BrokerProbe;

  const mailsFor = (orderId: string) =>
    store.mailSink!.messages().filter((m) => m.headers['x-loja-order-id'] === orderId);
  const noticesFor = (orderId: string) =>
    mailsFor(orderId)
      .map((m) => m.headers['x-loja-notice'])
      .sort();

  beforeAll(async () => {
    store = await startStore({
      namespace: `e2e${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      env: { MESSAGING_RETRY_INITIAL_DELAY_MS: '200', MESSAGING_RETRY_MULTIPLIER: '2', MESSAGING_RETRY_ATTEMPTS: '4' },
      serviceEnv: { logistics: { SHIPPING_DELAY_MS: '0' } },
    });
    client = new StoreClient({ orders: store.service('orders').url, inventory: store.service('inventory').url });
    probe = await BrokerProbe.connect(store.rabbitmqUrl);
    await client.catalogueReplicated();
  });

  afterAll(async () => {
    await probe?.close();
    await store?.stop();
    if (store) await dropStore(store.namespace);
  });

  it('ships a paid order: every step in the timeline, three e-mails, stock taken', async () => {
    const before = await client.stock();
    const { status, order } = await client.placeOrder(
      orderRequest([
        { sku: 'CAMISETA-BASICA-M', quantity: 2 },
        { sku: 'CALCA-JEANS-42', quantity: 1 },
      ]),
    );
    expect(status).toBe(201);
    expect(order.status).toBe('PENDING');
    expect(order.totalCents).toBe(2 * 4990 + 15990);

    const shipped = await client.settled(order.id);
    expect(shipped.status).toBe('SHIPPED');
    expect(shipped.trackingCode).toEqual(expect.any(String));
    expect(shipped.timeline.map((step) => step.type)).toEqual([
      'PedidoCriado',
      'EstoqueReservado',
      'PagamentoAprovado',
      'PedidoEmPreparo',
      'PedidoEnviado',
    ]);
    expect(shipped.timeline.map((step) => step.status)).toEqual([
      'PENDING',
      'STOCK_RESERVED',
      'PAID',
      'IN_PREPARATION',
      'SHIPPED',
    ]);

    await waitFor('received, paid and shipped e-mails', () => noticesFor(order.id).length === 3);
    expect(noticesFor(order.id)).toEqual(['paid', 'received', 'shipped']);
    const shippedMail = mailsFor(order.id).find((m) => m.headers['x-loja-notice'] === 'shipped')!;
    expect(shippedMail.to).toEqual(['ana@example.com']);
    expect(shippedMail.text).toContain(shipped.trackingCode);
    expect(shippedMail.html).toContain(shipped.trackingCode);

    const after = await client.stock();
    expect(after.get('CAMISETA-BASICA-M')).toBe(before.get('CAMISETA-BASICA-M')! - 2);
    expect(after.get('CALCA-JEANS-42')).toBe(before.get('CALCA-JEANS-42')! - 1);
  });

  it('cancels an order that cannot be reserved, changes no stock and tells the customer why', async () => {
    const before = await client.stock();
    const { order } = await client.placeOrder(
      orderRequest([
        { sku: 'CAMISETA-BASICA-P', quantity: 1 },
        { sku: 'JAQUETA-COURO-M', quantity: 500 },
      ]),
    );
    const cancelled = await client.settled(order.id);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
    await waitFor('cancellation e-mail', () => noticesFor(order.id).includes('cancelled'));
    const mail = mailsFor(order.id).find((m) => m.headers['x-loja-notice'] === 'cancelled')!;
    expect(mail.text).toMatch(/esgot/i);
    expect(await client.stock()).toEqual(before);
  });

  it('cancels an order whose payment is declined and gives the reserved stock back', async () => {
    const before = await client.stock();
    const { order } = await client.placeOrder(orderRequest([{ sku: 'MOLETOM-CAPUZ-G', quantity: 2 }], 'tok_declined'));
    const cancelled = await client.settled(order.id);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });
    await waitFor(
      'stock released',
      async () => (await client.stock()).get('MOLETOM-CAPUZ-G') === before.get('MOLETOM-CAPUZ-G'),
    );
    await waitFor('release on the timeline', async () =>
      (await client.order(order.id)).timeline.some((step) => step.type === 'EstoqueLiberado'),
    );
    await waitFor('cancellation e-mail', () => noticesFor(order.id).includes('cancelled'));
    expect(noticesFor(order.id)).toEqual(['cancelled', 'received']);
  });

  it('pays a flaky card after retries, and leaves a card whose gateway is down in the payments DLQ', async () => {
    const flaky = await client.placeOrder(orderRequest([{ sku: 'MEIA-ALGODAO-KIT3', quantity: 1 }], 'tok_flaky'));
    const down = await client.placeOrder(orderRequest([{ sku: 'MEIA-ALGODAO-KIT3', quantity: 1 }], 'tok_gateway_down'));

    expect((await client.settled(flaky.order.id)).status).toBe('SHIPPED');

    const dead = await waitFor('the charge in payments.charge-order.dlq', async () =>
      (await probe.peek('payments.charge-order.dlq')).find(
        (m) => JSON.parse(m.content.toString()).data.orderId === down.order.id,
      ),
    );
    expect(dead.properties.headers?.['x-loja-dead-letter-reason']).toBe('retries-exhausted');
    expect(dead.properties.headers?.['x-loja-dead-letter-attempts']).toBe(4);
    expect((await client.order(down.order.id)).status).toBe('STOCK_RESERVED');
  });

  it('never oversells: 50 concurrent orders for 10 units → 10 shipped, 40 out of stock, stock 0', async () => {
    const sku = 'BONE-EDICAO-LIMITADA';
    expect((await client.stock()).get(sku)).toBe(10);
    const placed = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.placeOrder(orderRequest([{ sku, quantity: 1 }], 'tok_visa', `cliente${i}@example.com`)),
      ),
    );
    expect(placed.every((p) => p.status === 201)).toBe(true);

    const settled = await Promise.all(placed.map((p) => client.settled(p.order.id, 120_000)));
    expect(settled.filter((o) => o.status === 'SHIPPED')).toHaveLength(10);
    expect(settled.filter((o) => o.status === 'CANCELLED' && o.cancellationReason === 'OUT_OF_STOCK')).toHaveLength(40);
    expect((await client.stock()).get(sku)).toBe(0);
  });

  it('answers the same Idempotency-Key with the same order, and a reused key with another body with 409', async () => {
    const key = `key-${randomBytes(4).toString('hex')}`;
    const body = orderRequest([{ sku: 'CAMISETA-BASICA-G', quantity: 1 }]);
    const first = await client.placeOrder(body, { 'idempotency-key': key });
    const again = await client.placeOrder(body, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(again.order.id).toBe(first.order.id);
    const other = await client.placeOrder(orderRequest([{ sku: 'CAMISETA-BASICA-G', quantity: 2 }]), {
      'idempotency-key': key,
    });
    expect(other.status).toBe(409);
    await client.settled(first.order.id);
    await waitFor('e-mails of the order', () => noticesFor(first.order.id).length === 3);
    expect(noticesFor(first.order.id)).toEqual(['paid', 'received', 'shipped']);
  });
});
