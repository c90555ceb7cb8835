import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CONSUMER_QUEUES, createEvent, ProdutoAtualizado } from '@loja/contracts';
import { declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureApp } from '../src/configure-app';
import { PrismaService } from '../src/prisma/prisma.service';

/** Every consumer queue holds 3 messages at most here, and only Orders runs: the others fill up. */
const QUEUE_MAX_LENGTH = 3;

const order = {
  customer: { id: 'c-1', name: 'Ana Souza', email: 'ana@example.com' },
  items: [{ sku: 'CAMISETA-TESTE-M', quantity: 1 }],
  shippingAddress: {
    street: 'Rua das Flores',
    number: '100',
    city: 'Recife',
    state: 'PE',
    postalCode: '50000-000',
    country: 'BR',
  },
  payment: { method: 'card', cardToken: 'tok_visa' },
};

// Its own file: bounded queues and tight admission limits for the whole service.
describe('orders under back-pressure: bounded queues, a relay that keeps refused events, 503 with Retry-After', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let app: INestApplication;
  let baseUrl: string;

  const post = () =>
    fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(order),
    });
  const unpublished = () =>
    app.get(PrismaService).outboxMessage.count({ where: { publishedAt: null, type: 'PedidoCriado' } });

  beforeAll(async () => {
    ns = await TestNamespace.create('orders_overload');
    await declareStoreTopology(ns.rabbitmqUrl, { maxLength: QUEUE_MAX_LENGTH });
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    const databaseUrl = await ns.database('orders', join(__dirname, '..'));
    const started = await startServiceForTest(async () => (await import('../src/app.module.js')).AppModule, {
      service: 'orders',
      defaultPort: 0,
      configure: configureApp,
      env: {
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: ns.rabbitmqUrl,
        MESSAGING_QUEUE_MAX_LENGTH: String(QUEUE_MAX_LENGTH),
        ORDERS_MAX_OUTBOX_AGE_MS: '500',
        ORDERS_ADMISSION_CHECK_INTERVAL_MS: '50',
      },
    });
    app = started.app;
    baseUrl = started.baseUrl;
    const product = { sku: 'CAMISETA-TESTE-M', name: 'Camiseta Teste M', priceCents: 4990 };
    await probe.publish(
      'loja.events',
      ProdutoAtualizado.routingKey,
      createEvent(
        ProdutoAtualizado,
        { ...product, currency: 'BRL', stockAvailable: 100, revision: 1 },
        { source: 'inventory', correlationId: product.sku },
      ),
    );
    await waitFor('replica has the product', async () => (await fetch(`${baseUrl}/products/${product.sku}`)).ok);
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await ns?.dispose();
  });

  it('keeps what the broker refuses, refuses new orders until it is out, then takes them again', async () => {
    const accepted: string[] = [];
    // Orders keeps accepting until its oldest refused event is 500 ms old, then answers 503.
    const refusal = await waitFor(
      'a 503 once the consumer queues are full',
      async () => {
        const response = await post();
        if (response.status === 201) accepted.push(((await response.json()) as { id: string }).id);
        return response.status === 503 ? response : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(Number(refusal.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusal.json()).toMatchObject({ statusCode: 503, code: 'ORDERS_OVERLOADED' });
    expect(accepted.length).toBeGreaterThan(QUEUE_MAX_LENGTH);
    // The events the broker refused are still in the outbox, not lost.
    expect(await unpublished()).toBeGreaterThan(0);

    // The consumers catch up (here: the queues are emptied); the relay publishes what it kept.
    const pedidoCriadoQueues = Object.entries(CONSUMER_QUEUES)
      .filter(([, types]) => (types as readonly string[]).includes('PedidoCriado'))
      .map(([queue]) => queue);
    await waitFor(
      'every accepted order published',
      async () => {
        for (const queue of pedidoCriadoQueues) await probe.purge(queue);
        return (await unpublished()) === 0;
      },
      { timeoutMs: 30_000 },
    );
    const published = await app.get(PrismaService).outboxMessage.findMany({ where: { type: 'PedidoCriado' } });
    const publishedOrders = new Set(published.map((row) => (row.envelope as { correlationId: string }).correlationId));
    for (const id of accepted) expect(publishedOrders.has(id)).toBe(true);

    await waitFor('orders accepted again', async () => (await post()).status === 201, { timeoutMs: 10_000 });
  });
});
