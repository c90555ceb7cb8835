import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  createEvent,
  EstoqueIndisponivel,
  EstoqueLiberado,
  EstoqueReservado,
  latestEventDefinition,
  PagamentoAprovado,
  PagamentoRejeitado,
  PedidoEmPreparo,
  PedidoEnviado,
  ProdutoAtualizado,
  type DataOf,
  type EventDefinition,
  type ServiceName,
} from '@loja/contracts';
import { sampleData, sampleOrderRequest } from '@loja/contracts/samples';
import { declareStoreTopology, EventConsumers, type StoreTopologyOptions } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, expect } from 'vitest';
import { beforeBodyParsing, configureApp } from '../src/configure-app';

type Tap = Awaited<ReturnType<BrokerProbe['tap']>>;
type Product = { sku: string; name: string; priceCents: number };
/** A response body, read as a client reads it. */
export type Json = Record<string, any>;

/** The product of the samples: sampleOrderRequest() orders it. */
export const PRODUCT: Product = (({ sku, name, priceCents }) => ({ sku, name, priceCents }))(
  sampleData(ProdutoAtualizado),
);

/** What the replica holds in the specs that need more than one product. */
export const CATALOG: readonly Product[] = [
  PRODUCT,
  { sku: 'CANECA-TESTE', name: 'Caneca Teste', priceCents: 2590 },
  { sku: 'BONE-TESTE', name: 'Boné Teste', priceCents: 3500 },
];

/** ProdutoAtualizado for `product`, as Inventory publishes it. */
export function productUpdate(product: Product, revision: number, stockAvailable = 100) {
  return createEvent(ProdutoAtualizado, sampleData(ProdutoAtualizado, { ...product, stockAvailable, revision }), {
    source: 'inventory',
    correlationId: product.sku,
  });
}

/** Orders alone, on a database of its own in `ns`, with `catalog` in its catalogue replica. */
export async function startOrdersAlone(
  ns: TestNamespace,
  probe: BrokerProbe,
  env: Record<string, string>,
  catalog: readonly Product[] = [PRODUCT],
): Promise<{ app: INestApplication; baseUrl: string }> {
  const databaseUrl = await ns.database('orders', join(__dirname, '..'));
  const started = await startServiceForTest(async () => (await import('../src/app.module.js')).AppModule, {
    service: 'orders',
    defaultPort: 0,
    beforeBodyParsing,
    configure: configureApp,
    env: { DATABASE_URL: databaseUrl, RABBITMQ_URL: ns.rabbitmqUrl, ...env },
  });
  for (const product of catalog) {
    await probe.publish('loja.events', ProdutoAtualizado.routingKey, productUpdate(product, 1));
  }
  for (const { sku } of catalog) {
    await waitFor(`replica has ${sku}`, async () => (await fetch(`${started.baseUrl}/products/${sku}`)).ok);
  }
  return started;
}

/** POST /orders; by default the sample order of PRODUCT. A string body is sent as it is. */
function postOrder(
  baseUrl: string,
  body: unknown = sampleOrderRequest(),
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A saga event about `orderId`, as its producing service would send it. */
export function sagaEvent<D extends EventDefinition>(
  definition: D,
  source: ServiceName,
  data: DataOf<D>,
  occurredAt = new Date(),
) {
  const orderId = (data as { orderId: string }).orderId;
  return createEvent(definition, data, { source, correlationId: orderId, causationId: randomUUID(), occurredAt });
}

/** The saga's answers to an order, from the samples; `at` is when it happened. */
export const sagaEvents = {
  reserved: (orderId: string, at?: Date) =>
    sagaEvent(EstoqueReservado, 'inventory', sampleData(EstoqueReservado, { orderId }), at),
  unavailable: (orderId: string, at?: Date) =>
    sagaEvent(EstoqueIndisponivel, 'inventory', sampleData(EstoqueIndisponivel, { orderId }), at),
  paid: (orderId: string, at?: Date) =>
    sagaEvent(PagamentoAprovado, 'payments', sampleData(PagamentoAprovado, { orderId, paymentId: randomUUID() }), at),
  rejected: (orderId: string, at?: Date) =>
    sagaEvent(PagamentoRejeitado, 'payments', sampleData(PagamentoRejeitado, { orderId, paymentId: randomUUID() }), at),
  released: (orderId: string, at?: Date) =>
    sagaEvent(EstoqueLiberado, 'inventory', sampleData(EstoqueLiberado, { orderId }), at),
  preparing: (orderId: string, at?: Date) =>
    sagaEvent(PedidoEmPreparo, 'logistics', sampleData(PedidoEmPreparo, { orderId, shipmentId: randomUUID() }), at),
  shipped: (orderId: string, at?: Date) =>
    sagaEvent(
      PedidoEnviado,
      'logistics',
      sampleData(PedidoEnviado, { orderId, shipmentId: randomUUID(), shippedAt: (at ?? new Date()).toISOString() }),
      at,
    ),
};

const SAGA_PATH = ['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION', 'SHIPPED'] as const;

/** Fast retries, so that a test sees an event dead-lettered within seconds. */
export const QUICK_RETRIES = { MESSAGING_RETRY_INITIAL_DELAY_MS: '100', MESSAGING_RETRY_ATTEMPTS: '3' };

/**
 * Orders alone for one spec file: its own databases and vhost, booted before the file's tests and
 * dropped after them, with CATALOG in the replica and a tap on every event. What the tests use: its
 * HTTP API, what it published, and the saga's events to send it. `env` is the service's settings
 * (quick retries unless given); `topology`, the store's queues' (see declareStoreTopology).
 */
export function ordersUnderTest(
  name: string,
  { env = QUICK_RETRIES, topology }: { env?: Record<string, string>; topology?: StoreTopologyOptions } = {},
) {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let tap: Tap;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ns = await TestNamespace.create(name);
    await declareStoreTopology(ns.rabbitmqUrl, topology);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    tap = await probe.tap('loja.events', '#');
    ({ app, baseUrl } = await startOrdersAlone(ns, probe, env, CATALOG));
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await ns?.dispose();
  });

  const orders = {
    get app() {
      return app;
    },
    get baseUrl() {
      return baseUrl;
    },
    get probe() {
      return probe;
    },
    /** Every event on loja.events since the boot. */
    get messages() {
      return tap.messages;
    },
    consumers: () => app.get(EventConsumers),
    post: (body?: unknown, headers?: Record<string, string>) => postOrder(baseUrl, body, headers),
    async getJson(path: string): Promise<{ status: number; body: Json }> {
      const response = await fetch(`${baseUrl}${path}`);
      return { status: response.status, body: (await response.json()) as Json };
    },
    async getOrder(id: string): Promise<Json> {
      const { status, body } = await orders.getJson(`/orders/${id}`);
      expect(status).toBe(200);
      return body;
    },
    async placeOrder(body: unknown = sampleOrderRequest()): Promise<Json> {
      const response = await orders.post(body);
      expect(response.status).toBe(201);
      return (await response.json()) as Json;
    },
    /** Sends `event` as its producer would, with its type's routing key. */
    send: (event: { id: string; type: string }) =>
      probe.publish('loja.events', latestEventDefinition(event.type)!.routingKey, event),
    /** What Orders itself published about `orderId`. */
    published: (orderId: string, type: string) =>
      tap.messages.filter((m) => m.body.source === 'orders' && m.body.type === type && m.body.data.orderId === orderId),
    waitForTimeline: (orderId: string, length: number) =>
      waitFor(`timeline of ${orderId} with ${length} entries`, async () => {
        const order = await orders.getOrder(orderId);
        return order.timeline.length >= length ? order : undefined;
      }),
    /** A fresh order whose PedidoCriado arriving proves Orders' earlier events were all published. */
    async outboxBarrier() {
      const sentinel = await orders.placeOrder();
      await waitFor('sentinel PedidoCriado', () => orders.published(sentinel.id, 'PedidoCriado').length === 1);
    },
    /** A new order moved to `status` by the saga events that lead there. */
    async orderIn(status: (typeof SAGA_PATH)[number]): Promise<string> {
      const { id } = await orders.placeOrder();
      const path = [sagaEvents.reserved, sagaEvents.paid, sagaEvents.preparing, sagaEvents.shipped];
      const steps = SAGA_PATH.indexOf(status);
      for (const make of path.slice(0, steps)) await orders.send(make(id));
      await orders.waitForTimeline(id, steps + 1);
      return id as string;
    },
  };
  return orders;
}
