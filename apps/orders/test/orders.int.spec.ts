import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  CancelamentoAceito,
  CancelamentoRecusado,
  createEvent,
  EstoqueIndisponivel,
  EstoqueLiberado,
  EstoqueReservado,
  PagamentoAprovado,
  PagamentoRejeitado,
  PedidoEmPreparo,
  PedidoEnviado,
  ProdutoAtualizado,
  type DataOf,
  type EventDefinition,
  type ServiceName,
} from '@loja/contracts';
import { declareStoreTopology, EventConsumers } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureApp } from '../src/configure-app';
import { PrismaService } from '../src/prisma/prisma.service';

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;
type Json = Record<string, any>;

const CATALOG = [
  { sku: 'CAMISETA-TESTE-M', name: 'Camiseta Teste M', priceCents: 4990 },
  { sku: 'CANECA-TESTE', name: 'Caneca Teste', priceCents: 2590 },
  { sku: 'BONE-TESTE', name: 'Boné Teste', priceCents: 3500 },
];

function validOrder(overrides: Json = {}): Json {
  return {
    customer: { id: 'c-1', name: 'Ana Souza', email: 'ana@example.com' },
    items: [
      { sku: 'CAMISETA-TESTE-M', quantity: 2 },
      { sku: 'CANECA-TESTE', quantity: 1 },
    ],
    shippingAddress: {
      street: 'Rua das Flores',
      number: '100',
      complement: 'apto 12',
      city: 'Recife',
      state: 'PE',
      postalCode: '50000-000',
      country: 'BR',
    },
    payment: { method: 'card', cardToken: 'tok_visa_4242' },
    ...overrides,
  };
}

describe('orders on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let tap: Tap;
  let app: INestApplication;
  let baseUrl: string;

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const getJson = async (path: string): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as Json };
  };
  const getOrder = async (id: string): Promise<Json> => {
    const { status, body } = await getJson(`/orders/${id}`);
    expect(status).toBe(200);
    return body;
  };
  const placeOrder = async (body: Json = validOrder()): Promise<Json> => {
    const response = await post(body);
    expect(response.status).toBe(201);
    return (await response.json()) as Json;
  };
  /** What Orders itself published about `orderId`. */
  const published = (orderId: string, type: string) =>
    tap.messages.filter((m) => m.body.source === 'orders' && m.body.type === type && m.body.data.orderId === orderId);
  const publish = (definition: EventDefinition, event: { id: string }) =>
    probe.publish('loja.events', definition.routingKey, event);
  const consumers = () => app.get(EventConsumers);

  /** A saga event about `orderId`, as its producing service would send it. */
  function sagaEvent<D extends EventDefinition>(
    definition: D,
    source: ServiceName,
    data: DataOf<D>,
    occurredAt = new Date(),
  ) {
    const orderId = (data as { orderId: string }).orderId;
    return createEvent(definition, data, { source, correlationId: orderId, causationId: randomUUID(), occurredAt });
  }
  const events = {
    reserved: (orderId: string, at?: Date) =>
      sagaEvent(EstoqueReservado, 'inventory', { orderId, lines: [{ sku: 'CAMISETA-TESTE-M', quantity: 2 }] }, at),
    unavailable: (orderId: string, at?: Date) =>
      sagaEvent(
        EstoqueIndisponivel,
        'inventory',
        { orderId, missing: [{ sku: 'CAMISETA-TESTE-M', requested: 2, available: 0 }] },
        at,
      ),
    paid: (orderId: string, at?: Date) =>
      sagaEvent(
        PagamentoAprovado,
        'payments',
        { orderId, paymentId: randomUUID(), amountCents: 12570, currency: 'BRL', authorizationCode: 'AUTH-1' },
        at,
      ),
    rejected: (orderId: string, at?: Date) =>
      sagaEvent(
        PagamentoRejeitado,
        'payments',
        { orderId, paymentId: randomUUID(), amountCents: 12570, currency: 'BRL', reason: 'CARD_DECLINED' },
        at,
      ),
    released: (orderId: string, at?: Date) =>
      sagaEvent(
        EstoqueLiberado,
        'inventory',
        { orderId, lines: [{ sku: 'CAMISETA-TESTE-M', quantity: 2 }], reason: 'PAYMENT_REJECTED' },
        at,
      ),
    preparing: (orderId: string, at?: Date) =>
      sagaEvent(PedidoEmPreparo, 'logistics', { orderId, shipmentId: randomUUID() }, at),
    shipped: (orderId: string, at?: Date) =>
      sagaEvent(
        PedidoEnviado,
        'logistics',
        {
          orderId,
          shipmentId: randomUUID(),
          carrier: 'Correios',
          trackingCode: 'BR123456789',
          shippedAt: (at ?? new Date()).toISOString(),
        },
        at,
      ),
  };

  const waitForTimeline = (orderId: string, length: number) =>
    waitFor(`timeline of ${orderId} with ${length} entries`, async () => {
      const order = await getOrder(orderId);
      return order.timeline.length >= length ? order : undefined;
    });

  /** A fresh order whose PedidoCriado arriving proves Orders' earlier events were all published. */
  const outboxBarrier = async () => {
    const sentinel = await placeOrder();
    await waitFor('sentinel PedidoCriado', () => published(sentinel.id, 'PedidoCriado').length === 1);
  };

  const productUpdate = (product: (typeof CATALOG)[number], revision: number, stockAvailable = 100) =>
    createEvent(
      ProdutoAtualizado,
      { ...product, currency: 'BRL', stockAvailable, revision },
      { source: 'inventory', correlationId: product.sku },
    );

  beforeAll(async () => {
    ns = await TestNamespace.create('orders');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    const databaseUrl = await ns.database('orders', join(__dirname, '..'));
    const started = await startServiceForTest(async () => (await import('../src/app.module.js')).AppModule, {
      service: 'orders',
      defaultPort: 0,
      configure: configureApp,
      env: {
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: ns.rabbitmqUrl,
        MESSAGING_RETRY_INITIAL_DELAY_MS: '100',
        MESSAGING_RETRY_ATTEMPTS: '3',
      },
    });
    app = started.app;
    baseUrl = started.baseUrl;

    for (const product of CATALOG) await publish(ProdutoAtualizado, productUpdate(product, 1));
    for (const { sku } of CATALOG) {
      await waitFor(`replica has ${sku}`, async () => (await getJson(`/products/${sku}`)).status === 200);
    }
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await ns?.dispose();
  });

  describe('catalogue replica', () => {
    it('takes a newer revision and ignores a stale one', async () => {
      const product = CATALOG[2]!;
      await publish(ProdutoAtualizado, productUpdate({ ...product, priceCents: 3900 }, 5, 7));
      await waitFor('revision 5', async () => (await getJson(`/products/${product.sku}`)).body.revision === 5);

      const stale = productUpdate({ ...product, priceCents: 1 }, 4);
      await publish(ProdutoAtualizado, stale);
      const prisma = app.get(PrismaService);
      await waitFor('stale update consumed', () =>
        prisma.inboxMessage.findUnique({
          where: { consumer_eventId: { consumer: 'orders.catalog-replica', eventId: stale.id } },
        }),
      );
      expect((await getJson(`/products/${product.sku}`)).body).toEqual({
        sku: product.sku,
        name: product.name,
        priceCents: 3900,
        currency: 'BRL',
        stockAvailable: 7,
        revision: 5,
      });
      // put the price back for the other tests
      await publish(ProdutoAtualizado, productUpdate(product, 6));
      await waitFor('revision 6', async () => (await getJson(`/products/${product.sku}`)).body.revision === 6);
    });
  });

  describe('POST /orders', () => {
    it('places an order priced from the replica and publishes PedidoCriado', async () => {
      const response = await post(validOrder());
      expect(response.status).toBe(201);
      const order = (await response.json()) as Json;
      expect(response.headers.get('location')).toBe(`/orders/${order.id}`);
      expect(response.headers.get('idempotent-replayed')).toBeNull();
      expect(order).toMatchObject({
        status: 'PENDING',
        customer: { id: 'c-1', name: 'Ana Souza', email: 'ana@example.com' },
        lines: [
          { sku: 'CAMISETA-TESTE-M', name: 'Camiseta Teste M', quantity: 2, unitPriceCents: 4990, totalCents: 9980 },
          { sku: 'CANECA-TESTE', name: 'Caneca Teste', quantity: 1, unitPriceCents: 2590, totalCents: 2590 },
        ],
        totalCents: 12570,
        currency: 'BRL',
        shippingAddress: validOrder().shippingAddress,
        cancellationReason: null,
        trackingCode: null,
        carrier: null,
      });
      expect(JSON.stringify(order)).not.toContain('tok_visa');

      const [created] = await waitFor('PedidoCriado', () => {
        const found = published(order.id, 'PedidoCriado');
        return found.length ? found : undefined;
      });
      expect(created!.routingKey).toBe('pedido.criado');
      expect(created!.body).toMatchObject({
        type: 'PedidoCriado',
        version: 1,
        source: 'orders',
        correlationId: order.id,
        causationId: null,
        data: {
          orderId: order.id,
          customer: validOrder().customer,
          lines: [
            { sku: 'CAMISETA-TESTE-M', name: 'Camiseta Teste M', quantity: 2, unitPriceCents: 4990 },
            { sku: 'CANECA-TESTE', name: 'Caneca Teste', quantity: 1, unitPriceCents: 2590 },
          ],
          totalCents: 12570,
          currency: 'BRL',
          shippingAddress: validOrder().shippingAddress,
          payment: { method: 'card', cardToken: 'tok_visa_4242' },
        },
      });
      expect(created!.properties).toMatchObject({ messageId: created!.body.id, correlationId: order.id });

      const stored = await getOrder(order.id);
      expect(stored).toEqual(order);
      expect(stored.timeline).toEqual([
        {
          type: 'PedidoCriado',
          status: 'PENDING',
          eventId: created!.body.id,
          occurredAt: created!.body.occurredAt,
          recordedAt: expect.any(String),
        },
      ]);
      expect(JSON.stringify(stored)).not.toContain('tok_visa');
    });

    it('with an Idempotency-Key, places the order once and replays it for the same body', async () => {
      const key = `key-${randomUUID()}`;
      const first = await post(validOrder(), { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const order = (await first.json()) as Json;

      // same body with its keys in another order: still the same request
      const { payment, shippingAddress, items, customer } = validOrder();
      const again = await post({ payment, shippingAddress, items, customer }, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(`/orders/${order.id}`);
      expect(((await again.json()) as Json).id).toBe(order.id);

      const reused = await post(validOrder({ items: [{ sku: 'BONE-TESTE', quantity: 1 }] }), {
        'idempotency-key': key,
      });
      expect(reused.status).toBe(409);
      expect(await reused.json()).toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_KEY_REUSED' });

      await outboxBarrier();
      expect(published(order.id, 'PedidoCriado')).toHaveLength(1);
      expect(
        tap.messages.filter((m) => m.body.type === 'PedidoCriado' && m.body.data.orderId === order.id),
      ).toHaveLength(1);
    });

    it('concurrent requests with one Idempotency-Key place a single order', async () => {
      const key = `key-${randomUUID()}`;
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => post(validOrder(), { 'idempotency-key': key })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
      const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as Json).id as string));
      expect(new Set(ids).size).toBe(1);
      expect(responses.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);

      await outboxBarrier();
      expect(published(ids[0]!, 'PedidoCriado')).toHaveLength(1);
    });

    const tooBig = JSON.stringify(validOrder({ customer: { id: 'c', name: 'x'.repeat(70_000), email: 'a@b.co' } }));
    const badInputs: Array<{
      name: string;
      body: unknown;
      headers?: Record<string, string>;
      status: number;
      code: string;
      fields?: string[];
    }> = [
      {
        name: 'missing customer',
        body: validOrder({ customer: undefined }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer'],
      },
      {
        name: 'missing items and payment',
        body: validOrder({ items: undefined, payment: undefined }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items', 'payment'],
      },
      {
        name: 'missing shipping address fields',
        body: validOrder({ shippingAddress: { street: 'Rua A', country: 'BR' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: [
          'shippingAddress.city',
          'shippingAddress.number',
          'shippingAddress.postalCode',
          'shippingAddress.state',
        ],
      },
      {
        name: 'malformed e-mail',
        body: validOrder({ customer: { id: 'c-1', name: 'Ana', email: 'not-an-email' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer.email'],
      },
      {
        name: 'zero quantity',
        body: validOrder({ items: [{ sku: 'CANECA-TESTE', quantity: 0 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.quantity'],
      },
      {
        name: 'negative quantity',
        body: validOrder({
          items: [
            { sku: 'CANECA-TESTE', quantity: 1 },
            { sku: 'BONE-TESTE', quantity: -3 },
          ],
        }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.1.quantity'],
      },
      {
        name: 'fractional quantity',
        body: validOrder({ items: [{ sku: 'CANECA-TESTE', quantity: 1.5 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.quantity'],
      },
      {
        name: 'quantity of the wrong type',
        body: validOrder({ items: [{ sku: 'CANECA-TESTE', quantity: '2' }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.quantity'],
      },
      {
        name: 'customer of the wrong type',
        body: validOrder({ customer: 'Ana' }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer'],
      },
      { name: 'empty items', body: validOrder({ items: [] }), status: 400, code: 'INVALID_REQUEST', fields: ['items'] },
      {
        name: 'too many items (51)',
        body: validOrder({ items: Array.from({ length: 51 }, () => ({ sku: 'CANECA-TESTE', quantity: 1 })) }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items'],
      },
      {
        name: 'malformed SKU',
        body: validOrder({ items: [{ sku: 'caneca teste', quantity: 1 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.sku'],
      },
      {
        name: 'unknown top-level field',
        body: validOrder({ coupon: 'FREE' }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['coupon'],
      },
      {
        name: 'price sent by the client on a line',
        body: validOrder({ items: [{ sku: 'CANECA-TESTE', quantity: 1, unitPriceCents: 1 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.unitPriceCents'],
      },
      {
        name: 'total sent by the client',
        body: validOrder({ totalCents: 1 }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['totalCents'],
      },
      {
        name: 'three-letter country code',
        body: validOrder({ shippingAddress: { ...validOrder().shippingAddress, country: 'BRA' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['shippingAddress.country'],
      },
      {
        name: 'lower-case country code',
        body: validOrder({ shippingAddress: { ...validOrder().shippingAddress, country: 'br' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['shippingAddress.country'],
      },
      {
        name: 'payment method other than card, card number instead of token',
        body: validOrder({ payment: { method: 'pix', cardNumber: '4242424242424242' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['payment.cardNumber', 'payment.cardToken', 'payment.method'],
      },
      {
        name: 'many failing fields at once',
        body: validOrder({
          customer: { id: '', name: 'Ana', email: 'x' },
          items: [{ sku: 'CANECA-TESTE', quantity: 0 }],
          shippingAddress: { ...validOrder().shippingAddress, postalCode: '' },
        }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer.email', 'customer.id', 'items.0.quantity', 'shippingAddress.postalCode'],
      },
      { name: 'JSON array body', body: '[]', status: 400, code: 'INVALID_REQUEST', fields: [''] },
      { name: 'JSON null body', body: 'null', status: 400, code: 'INVALID_REQUEST', fields: [''] },
      {
        name: 'Idempotency-Key too long',
        body: validOrder(),
        headers: { 'idempotency-key': 'k'.repeat(201) },
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['Idempotency-Key'],
      },
      {
        name: 'unknown SKUs',
        body: validOrder({
          items: [
            { sku: 'CANECA-TESTE', quantity: 1 },
            { sku: 'NAO-EXISTE', quantity: 1 },
            { sku: 'TAMBEM-NAO', quantity: 2 },
          ],
        }),
        status: 422,
        code: 'UNKNOWN_SKU',
        fields: ['items.1.sku', 'items.2.sku'],
      },
      {
        name: 'text/plain content type',
        body: JSON.stringify(validOrder()),
        headers: { 'content-type': 'text/plain' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'form content type',
        body: 'customer=ana',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'JSON in a charset other than UTF-8',
        body: JSON.stringify(validOrder()),
        headers: { 'content-type': 'application/json; charset=latin1' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      },
      {
        name: 'empty body',
        body: '',
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer', 'items', 'payment', 'shippingAddress'],
      },
      { name: 'malformed JSON', body: '{"customer": {', status: 400, code: 'MALFORMED_JSON' },
      { name: 'body over 64 kB', body: tooBig, status: 413, code: 'PAYLOAD_TOO_LARGE' },
    ];

    it.each(badInputs)('rejects $name with $status', async ({ body, headers, status, code, fields }) => {
      const before = (await getJson('/orders?pageSize=1')).body.total as number;
      const response = await post(body, headers);
      const payload = (await response.json()) as Json;
      expect(response.status, JSON.stringify(payload)).toBe(status);
      expect(payload).toMatchObject({ statusCode: status, code, message: expect.stringMatching(/\w/) });
      if (fields) {
        expect(
          [...new Set((payload.errors as Array<{ field: string; message: string }>).map((e) => e.field))].sort(),
        ).toEqual(fields);
        expect(payload.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
      }
      expect((await getJson('/orders?pageSize=1')).body.total).toBe(before);
    });
  });

  describe('saga tracking', () => {
    it('follows the saga in order up to SHIPPED, with carrier and tracking code', async () => {
      const { id } = await placeOrder();
      const steps = [
        { event: events.reserved(id), status: 'STOCK_RESERVED' },
        { event: events.paid(id), status: 'PAID' },
        { event: events.preparing(id), status: 'IN_PREPARATION' },
        { event: events.shipped(id), status: 'SHIPPED' },
      ];
      for (const [index, { event, status }] of steps.entries()) {
        await probe.publish('loja.events', routingKeyOf(event.type), event);
        const order = await waitForTimeline(id, index + 2);
        expect(order.status, JSON.stringify(order, null, 1)).toBe(status);
      }
      const order = await getOrder(id);
      expect(order).toMatchObject({ status: 'SHIPPED', carrier: 'Correios', trackingCode: 'BR123456789' });
      expect(order.timeline.map((e: Json) => [e.type, e.status, e.eventId])).toEqual([
        ['PedidoCriado', 'PENDING', order.timeline[0].eventId],
        ...steps.map(({ event, status }) => [event.type, status, event.id]),
      ]);
    });

    it('never moves backwards on late, out-of-order or duplicated events; records each distinct event once', async () => {
      const { id } = await placeOrder();
      const start = Date.now();
      const at = (seconds: number) => new Date(start + seconds * 1000);
      const reserved = events.reserved(id, at(1));
      const paid = events.paid(id, at(2));
      const preparing = events.preparing(id, at(3));
      const shipped = events.shipped(id, at(4));

      const duplicatesBefore = consumers().stats.duplicates;
      // shipping news first, then everything that led to it, with redeliveries in between
      const arrivals = [shipped, preparing, shipped, reserved, paid, reserved];
      const distinct: string[] = [];
      for (const event of arrivals) {
        await probe.publish('loja.events', routingKeyOf(event.type), event);
        if (!distinct.includes(event.id)) {
          distinct.push(event.id);
          const order = await waitForTimeline(id, distinct.length + 1);
          expect(order.status).toBe('SHIPPED');
        }
      }
      await waitFor('both redeliveries consumed', () => consumers().stats.duplicates >= duplicatesBefore + 2);

      const order = await getOrder(id);
      expect(order).toMatchObject({ status: 'SHIPPED', carrier: 'Correios', trackingCode: 'BR123456789' });
      // in the order things happened, not the order they arrived in; each event once
      expect(order.timeline.map((e: Json) => e.type)).toEqual([
        'PedidoCriado',
        'EstoqueReservado',
        'PagamentoAprovado',
        'PedidoEmPreparo',
        'PedidoEnviado',
      ]);
      expect(order.timeline.slice(1).map((e: Json) => e.eventId)).toEqual([
        reserved.id,
        paid.id,
        preparing.id,
        shipped.id,
      ]);
      expect(order.timeline.slice(1).every((e: Json) => e.status === 'SHIPPED')).toBe(true);
    });

    it('cancels on PagamentoRejeitado with the reason and publishes PedidoCancelado exactly once', async () => {
      const { id } = await placeOrder();
      const reserved = events.reserved(id);
      await publish(EstoqueReservado, reserved);
      await waitForTimeline(id, 2);

      const rejected = events.rejected(id);
      await publish(PagamentoRejeitado, rejected);
      const cancelled = await waitForTimeline(id, 3);
      expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });

      const duplicatesBefore = consumers().stats.duplicates;
      // the compensation, a redelivery, a second rejection and a contradicting late approval
      // distinct occurrence times: the timeline is ordered by them, and ties would order arbitrarily
      const t = Date.now();
      const later = [
        events.released(id, new Date(t + 1)),
        events.rejected(id, new Date(t + 2)),
        events.paid(id, new Date(t + 3)),
      ];
      await publish(PagamentoRejeitado, rejected);
      for (const event of later) await probe.publish('loja.events', routingKeyOf(event.type), event);
      const order = await waitForTimeline(id, 3 + later.length);
      await waitFor('redelivery consumed', () => consumers().stats.duplicates >= duplicatesBefore + 1);
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });
      expect(order.timeline.map((e: Json) => e.type)).toEqual([
        'PedidoCriado',
        'EstoqueReservado',
        'PagamentoRejeitado',
        'EstoqueLiberado',
        'PagamentoRejeitado',
        'PagamentoAprovado',
      ]);
      expect(order.timeline.slice(2).every((e: Json) => e.status === 'CANCELLED')).toBe(true);

      await outboxBarrier();
      const cancellations = published(id, 'PedidoCancelado');
      expect(cancellations).toHaveLength(1);
      expect(cancellations[0]!.routingKey).toBe('pedido.cancelado');
      expect(cancellations[0]!.body).toMatchObject({
        source: 'orders',
        correlationId: id,
        causationId: rejected.id,
        data: { orderId: id, reason: 'PAYMENT_REJECTED' },
      });
    });

    it('cancels on EstoqueIndisponivel with OUT_OF_STOCK', async () => {
      const { id } = await placeOrder();
      const unavailable = events.unavailable(id);
      await publish(EstoqueIndisponivel, unavailable);
      const order = await waitForTimeline(id, 2);
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
      const [cancellation] = await waitFor('PedidoCancelado', () => {
        const found = published(id, 'PedidoCancelado');
        return found.length ? found : undefined;
      });
      expect(cancellation!.body).toMatchObject({
        causationId: unavailable.id,
        data: { orderId: id, reason: 'OUT_OF_STOCK' },
      });
    });

    it('dead-letters an event for an unknown order after its retries', async () => {
      const before = await probe.messageCount('orders.track-order.dlq');
      await publish(EstoqueReservado, events.reserved(randomUUID()));
      await waitFor(
        'event in the DLQ',
        async () => (await probe.messageCount('orders.track-order.dlq')) === before + 1,
        { timeoutMs: 30_000 },
      );
    });
  });

  describe('GET /orders', () => {
    it('pages newest first and filters by status', async () => {
      const placed: string[] = [];
      for (let i = 0; i < 3; i++) placed.push((await placeOrder()).id as string);

      const first = await getJson('/orders?pageSize=2');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ page: 1, pageSize: 2 });
      expect(first.body.items.map((o: Json) => o.id)).toEqual([placed[2], placed[1]]);
      const second = await getJson('/orders?page=2&pageSize=2');
      expect(second.body.items[0].id).toBe(placed[0]);
      expect(second.body.total).toBe(first.body.total);

      const all = await getJson('/orders?pageSize=100');
      expect(all.body.total).toBeGreaterThanOrEqual(3);
      const created = all.body.items.map((o: Json) => o.createdAt as string);
      expect([...created].sort().reverse()).toEqual(created);
      expect(JSON.stringify(all.body)).not.toContain('tok_visa');

      const defaults = await getJson('/orders');
      expect(defaults.body).toMatchObject({ page: 1, pageSize: 20 });

      const cancelled = await getJson('/orders?status=CANCELLED&pageSize=100');
      expect(cancelled.body.total).toBeGreaterThanOrEqual(2);
      expect(cancelled.body.items).toHaveLength(cancelled.body.total);
      expect(cancelled.body.items.every((o: Json) => o.status === 'CANCELLED')).toBe(true);
      const shipped = await getJson('/orders?status=SHIPPED');
      expect(shipped.body.total).toBeGreaterThanOrEqual(2);
      expect(shipped.body.items.every((o: Json) => o.status === 'SHIPPED')).toBe(true);
      expect(cancelled.body.total + shipped.body.total).toBeLessThan(all.body.total);
    });

    it('rejects a bad query naming every field', async () => {
      const bad = await getJson('/orders?page=0&pageSize=101&status=LOST&sort=asc');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('INVALID_REQUEST');
      expect(bad.body.errors.map((e: Json) => e.field).sort()).toEqual(['page', 'pageSize', 'sort', 'status']);
      for (const query of ['page=abc', 'page=1.5', 'pageSize=0', 'pageSize=', 'page=1&page=2']) {
        const response = await getJson(`/orders?${query}`);
        expect(response.status, query).toBe(400);
      }
    });

    it('404s for unknown and malformed ids', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', "1' OR '1'='1"]) {
        const { status, body } = await getJson(`/orders/${encodeURIComponent(id)}`);
        expect(status).toBe(404);
        expect(body).toMatchObject({ statusCode: 404, code: 'ORDER_NOT_FOUND' });
      }
    });
  });

  describe('POST /orders/:id/cancel', () => {
    const cancel = (id: string, body?: Json) =>
      fetch(`${baseUrl}/orders/${id}/cancel`, {
        method: 'POST',
        ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    const accepted = (orderId: string) =>
      sagaEvent(CancelamentoAceito, 'logistics', { orderId, stoppedShipmentId: null });

    /** An order moved to `status` by the saga events that lead there. */
    async function orderIn(status: 'PENDING' | 'STOCK_RESERVED' | 'PAID' | 'IN_PREPARATION' | 'SHIPPED') {
      const { id } = await placeOrder();
      const path = [events.reserved, events.paid, events.preparing, events.shipped];
      const steps = ['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION', 'SHIPPED'].indexOf(status);
      for (const make of path.slice(0, steps)) {
        const event = make(id);
        await probe.publish('loja.events', routingKeyOf(event.type), event);
      }
      await waitForTimeline(id, steps + 1);
      return id;
    }

    it.each(['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION'] as const)(
      'accepts a request from %s with 202, once, and cancels the order when Logistics accepts',
      async (status) => {
        const id = await orderIn(status);
        const response = await cancel(id, { reason: 'mudei de ideia' });
        expect(response.status).toBe(202);
        const body = (await response.json()) as Json;
        expect(body).toMatchObject({ id, status, cancellationRequestedAt: expect.any(String) });
        expect(body.timeline.at(-1)).toMatchObject({ type: 'CancelamentoSolicitado', status });
        expect((await cancel(id)).status).toBe(202); // asked again: the same answer, no second event
        await outboxBarrier();
        const requests = tap.messages.filter(
          (m) => m.body.type === 'CancelamentoSolicitado' && m.body.data.orderId === id,
        );
        expect(requests.map((m) => m.body.data)).toEqual([{ orderId: id, reason: 'mudei de ideia' }]);

        await publish(CancelamentoAceito, accepted(id));
        await waitFor('PedidoCancelado', () => published(id, 'PedidoCancelado').length === 1);
        expect(published(id, 'PedidoCancelado')[0]!.body.data).toEqual({ orderId: id, reason: 'CUSTOMER_CANCELLED' });
        expect(await getOrder(id)).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CUSTOMER_CANCELLED' });
        const again = await cancel(id);
        expect(again.status).toBe(200);
        expect(((await again.json()) as Json).status).toBe('CANCELLED');
      },
    );

    it('409 ORDER_ALREADY_SHIPPED once shipped; 404 for an unknown or malformed id; 400 for a bad reason', async () => {
      const shipped = await orderIn('SHIPPED');
      const refused = await cancel(shipped);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as Json).code).toBe('ORDER_ALREADY_SHIPPED');
      expect((await cancel(randomUUID())).status).toBe(404);
      expect((await cancel('nope')).status).toBe(404);
      const bad = await cancel(await orderIn('PENDING'), { reason: '', extra: 1 });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Json).errors.map((e: Json) => e.field).sort()).toEqual(['extra', 'reason']);
    });

    it('a refusal from Logistics leaves the order SHIPPED and shows on the timeline', async () => {
      const id = await orderIn('IN_PREPARATION');
      expect((await cancel(id)).status).toBe(202);
      await publish(PedidoEnviado, events.shipped(id));
      const refusal = sagaEvent(CancelamentoRecusado, 'logistics', {
        orderId: id,
        reason: 'ALREADY_SHIPPED',
        trackingCode: 'BR123456789',
      });
      await publish(CancelamentoRecusado, refusal);
      await publish(CancelamentoRecusado, refusal); // a redelivery changes nothing
      const order = await waitForTimeline(id, 7);
      expect(order).toMatchObject({ status: 'SHIPPED', cancellationReason: null });
      expect(order.timeline.map((e: Json) => [e.type, e.status]).slice(-3)).toEqual([
        ['CancelamentoSolicitado', 'IN_PREPARATION'],
        ['PedidoEnviado', 'SHIPPED'],
        ['CancelamentoRecusado', 'SHIPPED'],
      ]);
      await outboxBarrier();
      expect(published(id, 'PedidoCancelado')).toEqual([]);
    });
  });

  describe('OpenAPI', () => {
    it('serves the document, generated from the zod schemas, and Swagger UI', async () => {
      const { status, body } = await getJson('/docs-json');
      expect(status).toBe(200);
      expect(body.paths['/orders'].post.requestBody.content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/PlaceOrderRequest',
      });
      expect(body.paths['/orders'].get).toBeDefined();
      expect(body.paths['/orders/{id}'].get).toBeDefined();
      const request = body.components.schemas.PlaceOrderRequest;
      expect(request.additionalProperties).toBe(false);
      expect(request.required).toEqual(['customer', 'items', 'shippingAddress', 'payment']);
      expect(request.properties.items).toMatchObject({ minItems: 1, maxItems: 50 });
      expect(body.components.schemas.OrderView.properties.timeline).toBeDefined();
      const cancel = body.paths['/orders/{id}/cancel'].post;
      expect(Object.keys(cancel.responses).sort()).toEqual(['200', '202', '400', '404', '409']);
      expect(body.components.schemas.CancelOrderRequest.properties.reason).toMatchObject({ maxLength: 500 });

      const ui = await fetch(`${baseUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
    });
  });
});

function routingKeyOf(type: string): string {
  const keys: Record<string, string> = {
    EstoqueReservado: EstoqueReservado.routingKey,
    EstoqueIndisponivel: EstoqueIndisponivel.routingKey,
    EstoqueLiberado: EstoqueLiberado.routingKey,
    PagamentoAprovado: PagamentoAprovado.routingKey,
    PagamentoRejeitado: PagamentoRejeitado.routingKey,
    PedidoEmPreparo: PedidoEmPreparo.routingKey,
    PedidoEnviado: PedidoEnviado.routingKey,
  };
  return keys[type]!;
}
