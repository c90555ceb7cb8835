import { randomUUID } from 'node:crypto';
import { SAMPLE_CUSTOMER, SAMPLE_PAYMENT, sampleOrderRequest } from '@loja/contracts/samples';
import { TransactionPool } from '@loja/messaging';
import { countRoundTrips, waitFor } from '@loja/messaging/testing';
import { describe, expect, it } from 'vitest';
import { ordersUnderTest, PRODUCT, QUICK_RETRIES, type Json } from './orders-alone';

/** The sample order on two lines of the replica; `overrides` replace or add whole fields, valid or not. */
function orderBody(overrides: Json = {}): Json {
  const items = [
    { sku: PRODUCT.sku, quantity: 2 },
    { sku: 'CANECA-TESTE', quantity: 1 },
  ];
  return { ...sampleOrderRequest({ items }), ...overrides };
}

describe('placing an order', () => {
  // No admission checks, which would run on the pool a test counts the round trips of.
  const orders = ordersUnderTest('orders_place', {
    env: { ...QUICK_RETRIES, ORDERS_ADMISSION_CHECK_INTERVAL_MS: String(3_600_000) },
  });

  describe('POST /orders', () => {
    it('places an order priced from the replica and publishes PedidoCriado', async () => {
      const response = await orders.post(orderBody());
      expect(response.status).toBe(201);
      const order = (await response.json()) as Json;
      expect(response.headers.get('location')).toBe(`/orders/${order.id}`);
      expect(response.headers.get('idempotent-replayed')).toBeNull();
      expect(order).toMatchObject({
        status: 'PENDING',
        customer: SAMPLE_CUSTOMER,
        lines: [
          { sku: PRODUCT.sku, name: PRODUCT.name, quantity: 2, unitPriceCents: 4990, totalCents: 9980 },
          { sku: 'CANECA-TESTE', name: 'Caneca Teste', quantity: 1, unitPriceCents: 2590, totalCents: 2590 },
        ],
        totalCents: 12570,
        currency: 'BRL',
        shippingAddress: orderBody().shippingAddress,
        cancellationReason: null,
        trackingCode: null,
        carrier: null,
      });
      expect(JSON.stringify(order)).not.toContain(SAMPLE_PAYMENT.cardToken);

      const [created] = await waitFor('PedidoCriado', () => {
        const found = orders.published(order.id, 'PedidoCriado');
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
          customer: orderBody().customer,
          lines: [
            { sku: PRODUCT.sku, name: PRODUCT.name, quantity: 2, unitPriceCents: 4990 },
            { sku: 'CANECA-TESTE', name: 'Caneca Teste', quantity: 1, unitPriceCents: 2590 },
          ],
          totalCents: 12570,
          currency: 'BRL',
          shippingAddress: orderBody().shippingAddress,
          payment: SAMPLE_PAYMENT,
        },
      });
      expect(created!.properties).toMatchObject({ messageId: created!.body.id, correlationId: order.id });

      const stored = await orders.getOrder(order.id);
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
      expect(JSON.stringify(stored)).not.toContain(SAMPLE_PAYMENT.cardToken);
    });

    it('with an Idempotency-Key, places the order once and replays it for the same body', async () => {
      const key = `key-${randomUUID()}`;
      const first = await orders.post(orderBody(), { 'idempotency-key': key });
      expect(first.status).toBe(201);
      const order = (await first.json()) as Json;

      // same body with its keys in another order: still the same request
      const { payment, shippingAddress, items, customer } = orderBody();
      const again = await orders.post({ payment, shippingAddress, items, customer }, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('location')).toBe(`/orders/${order.id}`);
      expect(((await again.json()) as Json).id).toBe(order.id);

      const reused = await orders.post(orderBody({ items: [{ sku: 'BONE-TESTE', quantity: 1 }] }), {
        'idempotency-key': key,
      });
      expect(reused.status).toBe(409);
      expect(await reused.json()).toMatchObject({ statusCode: 409, code: 'IDEMPOTENCY_KEY_REUSED' });

      await orders.outboxBarrier();
      expect(orders.published(order.id, 'PedidoCriado')).toHaveLength(1);
      expect(
        orders.messages.filter((m) => m.body.type === 'PedidoCriado' && m.body.data.orderId === order.id),
      ).toHaveLength(1);
    });

    it('concurrent requests with one Idempotency-Key place a single order', async () => {
      const key = `key-${randomUUID()}`;
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => orders.post(orderBody(), { 'idempotency-key': key })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
      const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as Json).id as string));
      expect(new Set(ids).size).toBe(1);
      expect(responses.filter((r) => r.headers.get('idempotent-replayed') === null)).toHaveLength(1);

      await orders.outboxBarrier();
      expect(orders.published(ids[0]!, 'PedidoCriado')).toHaveLength(1);
    });

    it('places an order in one round trip, its Idempotency-Key included: every write goes with COMMIT', async () => {
      expect((await orders.post(orderBody())).status).toBe(201); // the prices in memory from now on
      const roundTrips = countRoundTrips(orders.app.get(TransactionPool));
      const placed: Json[] = [];
      try {
        for (let i = 0; i < 12; i++) {
          const response = await orders.post(orderBody(), i % 2 ? { 'idempotency-key': `key-${randomUUID()}` } : {});
          expect(response.status).toBe(201);
          placed.push((await response.json()) as Json);
        }
        // One per order, and at most one more on each connection of the pool (6) the first time: a
        // statement not prepared there yet goes on its own.
        expect(roundTrips.count).toBeLessThanOrEqual(placed.length + 6);
      } finally {
        roundTrips.stop();
      }
      // What each POST answered, written without reading anything back, is what GET shows.
      for (const order of placed) expect(await orders.getOrder(order.id as string)).toEqual(order);
    });

    const tooBig = JSON.stringify(orderBody({ customer: { id: 'c', name: 'x'.repeat(70_000), email: 'a@b.co' } }));
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
        body: orderBody({ customer: undefined }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer'],
      },
      {
        name: 'missing items and payment',
        body: orderBody({ items: undefined, payment: undefined }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items', 'payment'],
      },
      {
        name: 'missing shipping address fields',
        body: orderBody({ shippingAddress: { street: 'Rua A', country: 'BR' } }),
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
        body: orderBody({ customer: { id: 'c-1', name: 'Ana', email: 'not-an-email' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer.email'],
      },
      {
        name: 'zero quantity',
        body: orderBody({ items: [{ sku: 'CANECA-TESTE', quantity: 0 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.quantity'],
      },
      {
        name: 'negative quantity',
        body: orderBody({
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
        body: orderBody({ items: [{ sku: 'CANECA-TESTE', quantity: 1.5 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.quantity'],
      },
      {
        name: 'quantity of the wrong type',
        body: orderBody({ items: [{ sku: 'CANECA-TESTE', quantity: '2' }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.quantity'],
      },
      {
        name: 'customer of the wrong type',
        body: orderBody({ customer: 'Ana' }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer'],
      },
      { name: 'empty items', body: orderBody({ items: [] }), status: 400, code: 'INVALID_REQUEST', fields: ['items'] },
      {
        name: 'too many items (51)',
        body: orderBody({ items: Array.from({ length: 51 }, () => ({ sku: 'CANECA-TESTE', quantity: 1 })) }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items'],
      },
      {
        name: 'malformed SKU',
        body: orderBody({ items: [{ sku: 'caneca teste', quantity: 1 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.sku'],
      },
      {
        name: 'unknown top-level field',
        body: orderBody({ coupon: 'FREE' }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['coupon'],
      },
      {
        name: 'price sent by the client on a line',
        body: orderBody({ items: [{ sku: 'CANECA-TESTE', quantity: 1, unitPriceCents: 1 }] }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['items.0.unitPriceCents'],
      },
      {
        name: 'total sent by the client',
        body: orderBody({ totalCents: 1 }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['totalCents'],
      },
      {
        name: 'three-letter country code',
        body: orderBody({ shippingAddress: { ...orderBody().shippingAddress, country: 'BRA' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['shippingAddress.country'],
      },
      {
        name: 'lower-case country code',
        body: orderBody({ shippingAddress: { ...orderBody().shippingAddress, country: 'br' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['shippingAddress.country'],
      },
      {
        name: 'payment method other than card, card number instead of token',
        body: orderBody({ payment: { method: 'pix', cardNumber: '4242424242424242' } }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['payment.cardNumber', 'payment.cardToken', 'payment.method'],
      },
      {
        name: 'many failing fields at once',
        body: orderBody({
          customer: { id: '', name: 'Ana', email: 'x' },
          items: [{ sku: 'CANECA-TESTE', quantity: 0 }],
          shippingAddress: { ...orderBody().shippingAddress, postalCode: '' },
        }),
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['customer.email', 'customer.id', 'items.0.quantity', 'shippingAddress.postalCode'],
      },
      { name: 'JSON array body', body: '[]', status: 400, code: 'INVALID_REQUEST', fields: [''] },
      { name: 'JSON null body', body: 'null', status: 400, code: 'INVALID_REQUEST', fields: [''] },
      {
        name: 'Idempotency-Key too long',
        body: orderBody(),
        headers: { 'idempotency-key': 'k'.repeat(201) },
        status: 400,
        code: 'INVALID_REQUEST',
        fields: ['Idempotency-Key'],
      },
      {
        name: 'unknown SKUs',
        body: orderBody({
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
        body: JSON.stringify(orderBody()),
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
        body: JSON.stringify(orderBody()),
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
      const before = (await orders.getJson('/orders?pageSize=1')).body.total as number;
      const response = await orders.post(body, headers);
      const payload = (await response.json()) as Json;
      expect(response.status, JSON.stringify(payload)).toBe(status);
      expect(payload).toMatchObject({ statusCode: status, code, message: expect.stringMatching(/\w/) });
      if (fields) {
        expect(
          [...new Set((payload.errors as Array<{ field: string; message: string }>).map((e) => e.field))].sort(),
        ).toEqual(fields);
        expect(payload.errors.every((e: { message: string }) => e.message.length > 0)).toBe(true);
      }
      expect((await orders.getJson('/orders?pageSize=1')).body.total).toBe(before);
    });
  });

  describe('OpenAPI', () => {
    it('serves the document, generated from the zod schemas, and Swagger UI', async () => {
      const { status, body } = await orders.getJson('/docs-json');
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

      const ui = await fetch(`${orders.baseUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
    });
  });
});
