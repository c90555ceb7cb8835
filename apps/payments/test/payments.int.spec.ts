import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, EstoqueReservado, PedidoCancelado, PedidoCriado, type EventDefinition } from '@loja/contracts';
import { SAMPLE_CUSTOMER, SAMPLE_SKU, sampleData } from '@loja/contracts/samples';
import { Database, declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;
type Stats = { handled: number; duplicates: number; retried: number; deadLettered: number };
type PaymentView = {
  id: string;
  orderId: string;
  status: string;
  amountCents: number;
  reason: string | null;
  authorizationCode: string | null;
};

const RETRY_ATTEMPTS = 4;

function pedidoCriado(cardToken: string, totalCents = 15_990) {
  const orderId = randomUUID();
  const data = sampleData(PedidoCriado, {
    orderId,
    customer: { ...SAMPLE_CUSTOMER, id: 'c-42' },
    lines: [{ sku: SAMPLE_SKU, name: 'Camiseta', quantity: 1, unitPriceCents: totalCents }],
    payment: { method: 'card', cardToken },
  });
  return createEvent(PedidoCriado, data, { source: 'orders', correlationId: orderId });
}

function estoqueReservado(order: ReturnType<typeof pedidoCriado>) {
  const { orderId } = order.data;
  return createEvent(
    EstoqueReservado,
    sampleData(EstoqueReservado, { orderId, lines: [{ sku: SAMPLE_SKU, quantity: 1 }] }),
    { source: 'inventory', correlationId: orderId, causationId: order.id },
  );
}

function customerCancelled(order: ReturnType<typeof pedidoCriado>) {
  const { orderId } = order.data;
  return createEvent(
    PedidoCancelado,
    { orderId, reason: 'CUSTOMER_CANCELLED' },
    { source: 'orders', correlationId: orderId, causationId: order.id },
  );
}

describe('payments on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let tap: Tap;
  let app: INestApplication | undefined;
  let baseUrl: string;

  const publish = (definition: EventDefinition, event: { id: string }) =>
    probe.publish('loja.events', definition.routingKey, event);
  const eventsFor = (orderId: string, type: string) =>
    tap.messages.filter((m) => m.body.type === type && m.body.data.orderId === orderId);
  const outcomesFor = (orderId: string) => [
    ...eventsFor(orderId, 'PagamentoAprovado'),
    ...eventsFor(orderId, 'PagamentoRejeitado'),
  ];
  const paymentsOf = async (orderId: string) =>
    (await (await fetch(`${baseUrl}/payments?orderId=${orderId}`)).json()) as PaymentView[];
  const stats = async (): Promise<Stats> =>
    ((await (await fetch(`${baseUrl}/health`)).json()) as { details: { consumers: Stats } }).details.consumers;
  const outcome = (orderId: string) =>
    waitFor(`payment outcome of ${orderId}`, () => {
      const found = outcomesFor(orderId);
      return found.length ? found[0]! : undefined;
    });

  /** Publishes an order and its stock reservation, returns both. */
  async function placeReservedOrder(cardToken: string, totalCents?: number) {
    const order = pedidoCriado(cardToken, totalCents);
    const reserved = estoqueReservado(order);
    await publish(PedidoCriado, order);
    await publish(EstoqueReservado, reserved);
    return { order, reserved, orderId: order.data.orderId };
  }

  beforeAll(async () => {
    ns = await TestNamespace.create('payments');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    const databaseUrl = await ns.database('payments', join(__dirname, '..'));
    ({ app, baseUrl } = await startServiceForTest(async () => (await import('../src/app.module.js')).AppModule, {
      service: 'payments',
      defaultPort: 0,
      env: {
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: ns.rabbitmqUrl,
        MESSAGING_RETRY_ATTEMPTS: String(RETRY_ATTEMPTS),
        MESSAGING_RETRY_INITIAL_DELAY_MS: '200',
        MESSAGING_RETRY_MULTIPLIER: '3',
        PAYMENTS_AMOUNT_LIMIT_CENTS: '1000000',
        PAYMENTS_FLAKY_FAILURES: '2',
      },
    }));
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await ns?.dispose();
  });

  it('approves a reserved order: one APPROVED payment and PagamentoAprovado caused by EstoqueReservado', async () => {
    const { orderId, reserved } = await placeReservedOrder('tok_visa', 15_990);
    const approved = await outcome(orderId);
    expect(approved.body).toMatchObject({
      type: 'PagamentoAprovado',
      source: 'payments',
      correlationId: orderId,
      causationId: reserved.id,
      data: { orderId, amountCents: 15_990, currency: 'BRL' },
    });
    expect(approved.body.data.authorizationCode).toMatch(/^[0-9A-F]{6}$/);

    const payments = await paymentsOf(orderId);
    expect(payments).toEqual([
      expect.objectContaining({
        id: approved.body.data.paymentId,
        orderId,
        status: 'APPROVED',
        amountCents: 15_990,
        reason: null,
        authorizationCode: approved.body.data.authorizationCode,
      }),
    ]);
  });

  it.each([
    ['tok_declined', 10_000, 'CARD_DECLINED'],
    ['tok_insufficient_funds', 10_000, 'INSUFFICIENT_FUNDS'],
    ['tok_visa', 1_000_001, 'AMOUNT_LIMIT_EXCEEDED'],
  ])('rejects %s for %i cents with %s', async (cardToken, totalCents, reason) => {
    const { orderId, reserved } = await placeReservedOrder(cardToken, totalCents);
    const rejected = await outcome(orderId);
    expect(rejected.body).toMatchObject({
      type: 'PagamentoRejeitado',
      causationId: reserved.id,
      data: { orderId, amountCents: totalCents, currency: 'BRL', reason },
    });
    expect(await paymentsOf(orderId)).toEqual([
      expect.objectContaining({ status: 'REJECTED', reason, authorizationCode: null }),
    ]);
  });

  it('approves an order of exactly the limit', async () => {
    const { orderId } = await placeReservedOrder('tok_visa', 1_000_000);
    expect((await outcome(orderId)).body.type).toBe('PagamentoAprovado');
  });

  it('tok_flaky: the gateway fails twice, the charge is retried with backoff and approved once', async () => {
    const before = await stats();
    const { orderId } = await placeReservedOrder('tok_flaky');
    expect((await outcome(orderId)).body.type).toBe('PagamentoAprovado');
    expect((await stats()).retried - before.retried).toBeGreaterThanOrEqual(2);
    expect(await paymentsOf(orderId)).toHaveLength(1);
    expect(eventsFor(orderId, 'PagamentoAprovado')).toHaveLength(1);
  });

  it('tok_gateway_down: after the configured attempts the message is in payments.charge-order.dlq', async () => {
    const { orderId, reserved } = await placeReservedOrder('tok_gateway_down');
    const dead = await waitFor(
      'EstoqueReservado dead-lettered',
      async () =>
        (await probe.peek('payments.charge-order.dlq')).find(
          (m) => (JSON.parse(m.content.toString()) as { id: string }).id === reserved.id,
        ),
      { timeoutMs: 30_000 },
    );
    const headers = dead.properties.headers as Record<string, unknown>;
    expect(headers['x-loja-dead-letter-reason']).toBe('retries-exhausted');
    expect(headers['x-loja-dead-letter-attempts']).toBe(RETRY_ATTEMPTS);
    expect(String(headers['x-loja-dead-letter-error'])).toContain('unavailable');
    expect(JSON.parse(dead.content.toString())).toMatchObject({ data: { orderId } });
    expect(await paymentsOf(orderId)).toEqual([]);
    expect(outcomesFor(orderId)).toEqual([]);
  });

  it('EstoqueReservado before PedidoCriado: retried until the details arrive, then one payment', async () => {
    const before = await stats();
    const order = pedidoCriado('tok_visa');
    const { orderId } = order.data;
    await publish(EstoqueReservado, estoqueReservado(order));
    await waitFor(
      'first charge attempt failed for lack of details',
      async () => (await stats()).retried > before.retried,
    );
    expect(await paymentsOf(orderId)).toEqual([]);

    await publish(PedidoCriado, order);
    expect((await outcome(orderId)).body.type).toBe('PagamentoAprovado');
    expect(await paymentsOf(orderId)).toHaveLength(1);
  });

  it('the same EstoqueReservado 5 times and another one for the same order → one payment, one PagamentoAprovado', async () => {
    const before = await stats();
    const order = pedidoCriado('tok_visa');
    const { orderId } = order.data;
    const reserved = estoqueReservado(order);
    const reservedAgain = estoqueReservado(order); // same order, different event id
    await publish(PedidoCriado, order);
    await Promise.all([
      ...Array.from({ length: 5 }, () => publish(EstoqueReservado, reserved)),
      publish(EstoqueReservado, reservedAgain),
    ]);
    // A later order proves the queues moved past every copy.
    const sentinel = await placeReservedOrder('tok_visa');

    await waitFor('every delivery settled', async () => {
      const now = await stats();
      // PedidoCriado ×2, EstoqueReservado ×7: each ends handled once or recognised as a duplicate.
      return now.handled - before.handled + (now.duplicates - before.duplicates) >= 9 ? now : undefined;
    });
    await outcome(sentinel.orderId);
    const after = await stats();
    expect(after.duplicates - before.duplicates).toBe(4);

    const payments = await paymentsOf(orderId);
    expect(payments).toHaveLength(1);
    expect(payments[0]!.status).toBe('APPROVED');
    expect(eventsFor(orderId, 'PagamentoAprovado')).toHaveLength(1);
    expect(eventsFor(orderId, 'PagamentoAprovado')[0]!.body.data.paymentId).toBe(payments[0]!.id);
  });

  it('a customer cancellation that waits on a charge in progress refunds the charge', async () => {
    const order = pedidoCriado('tok_visa');
    const { orderId } = order.data;
    await publish(PedidoCriado, order);
    const database = app!.get(Database);
    await waitFor('payment details recorded', async () =>
      (await database.query('SELECT 1 FROM payment_intent WHERE order_id = $1::uuid', [orderId])).length > 0
        ? true
        : undefined,
    );
    const { ChargeOrderService } = await import('../src/payments/charge-order/charge-order.service.js');
    const { RefundPaymentService } = await import('../src/payments/refund-payment/refund-payment.service.js');

    // The charge holds the order's intent locked, its payment not committed yet...
    let chargeDecided!: () => void;
    let commitCharge!: () => void;
    const decided = new Promise<void>((resolve) => (chargeDecided = resolve));
    const held = new Promise<void>((resolve) => (commitCharge = resolve));
    const charge = database.transaction(async (tx) => {
      await app!.get(ChargeOrderService).execute(tx, estoqueReservado(order));
      chargeDecided();
      await held;
    });
    await decided;
    // ...while the cancellation reaches Payments and waits for that lock.
    const refund = database.transaction((tx) => app!.get(RefundPaymentService).execute(tx, customerCancelled(order)));
    await waitFor('the cancellation waiting for the intent lock', async () =>
      (
        await database.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        )
      ).length > 0
        ? true
        : undefined,
    );
    commitCharge();
    await Promise.all([charge, refund]);

    // It sees the charge once it has the lock: the payment is refunded, not left charged.
    const payments = (await database.query<{ status: string; refunded: boolean }>(
      'SELECT status::text AS status, refunded_at IS NOT NULL AS refunded FROM payment WHERE order_id = $1::uuid',
      [orderId],
    )) as Array<{ status: string; refunded: boolean }>;
    expect(payments).toEqual([{ status: 'APPROVED', refunded: true }]);
    await waitFor('PagamentoEstornado published', () =>
      eventsFor(orderId, 'PagamentoEstornado').length ? true : undefined,
    );
    expect(eventsFor(orderId, 'PagamentoCancelado')).toHaveLength(0);
  });

  it('GET /payments rejects a bad query with field errors', async () => {
    const bad = await fetch(`${baseUrl}/payments?orderId=not-a-uuid&extra=1`);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { code: string; errors: Array<{ field: string }> };
    expect(body.code).toBe('INVALID_REQUEST');
    expect(body.errors.map((e) => e.field).sort()).toEqual(['extra', 'orderId']);

    const missing = await fetch(`${baseUrl}/payments`);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([
      'orderId',
    ]);
    expect(await paymentsOf(randomUUID())).toEqual([]);
  });
});
