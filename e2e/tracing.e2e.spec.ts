import { randomBytes } from 'node:crypto';
import { waitFor } from '@loja/messaging/testing';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
import { orderRequest, StoreClient } from './store-client';

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

/**
 * The store with tracing on, exporting to a local OTLP receiver: one order, from POST to the shipped
 * e-mail, is one trace across all five services, each step a child of the one that caused it.
 */
describe('one trace per order', () => {
  let store: RunningStore;
  let client: StoreClient;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    store = await startStore({
      namespace: `e2e${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' },
      // Delayed: the shipment leaves from the dispatcher, which continues the trace kept in its row.
      serviceEnv: {
        logistics: { SHIPPING_DELAY_MS: '300' },
        orders: { FLOW_TRACE_URL: 'http://jaeger.test/trace/{traceId}' },
      },
    });
    client = new StoreClient({ orders: store.service('orders').url, inventory: store.service('inventory').url });
    await client.catalogueReplicated();
  });

  afterAll(async () => {
    await store?.stop();
    if (store) await dropStore(store.namespace);
    await receiver?.stop();
  });

  it('covers the saga from POST /orders to the shipped e-mail, each step a child of its cause', async () => {
    const { status, order } = await client.placeOrder(orderRequest([{ sku: 'CAMISETA-BASICA-M', quantity: 1 }]));
    expect(status).toBe(201);
    expect((await client.settled(order.id)).status).toBe('SHIPPED');

    const ofOrder = () => receiver.spans.filter((s) => s.attributes['messaging.message.conversation_id'] === order.id);
    // The last step: the shipped e-mail sent over SMTP, after the commit that recorded it.
    const shippedMail = await waitFor(
      'the span of the shipped e-mail',
      () =>
        receiver.spans.find(
          (s) =>
            s.name === 'send e-mail' &&
            s.attributes['loja.order.id'] === order.id &&
            s.attributes['loja.notice'] === 'shipped',
        ),
      { timeoutMs: 20_000 },
    );
    const traceIds = new Set(ofOrder().map((s) => s.traceId));
    expect([...traceIds]).toEqual([shippedMail.traceId]);
    // The flow page links the order to this trace in the tracing UI.
    const path = (await (await fetch(`${store.service('orders').url}/flow/api/orders/${order.id}`)).json()) as {
      traceId: string;
      traceUrl: string | null;
    };
    expect(path).toMatchObject({
      traceId: shippedMail.traceId,
      traceUrl: `http://jaeger.test/trace/${shippedMail.traceId}`,
    });

    // The exporters flush every 200 ms: wait until each step asserted below has arrived.
    const steps = [
      'orders: POST /orders',
      ...['inventory', 'notifications'].map((service) => `${service}: process PedidoCriado`),
      ...['payments', 'orders'].map((service) => `${service}: process EstoqueReservado`),
      ...['logistics', 'orders', 'notifications'].map((service) => `${service}: process PagamentoAprovado`),
      'orders: process PedidoEmPreparo',
      'logistics: ship shipment',
      ...['orders', 'notifications'].map((service) => `${service}: process PedidoEnviado`),
    ];
    const spans = await waitFor('every step of the saga in the trace', () => {
      const arrived = receiver.trace(shippedMail.traceId);
      const names = new Set(arrived.map((s) => `${s.service}: ${s.name}`));
      return steps.every((step) => names.has(step)) && arrived;
    });
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId);
    const find = (service: string, name: string) => {
      const found = spans.filter((s) => s.service === service && s.name === name);
      expect(found, `${service}: ${name}\n${render(spans)}`).toHaveLength(1);
      return found[0]!;
    };
    const isAncestor = (ancestor: ReceivedSpan, span: ReceivedSpan): boolean => {
      for (let at = parentOf(span); at; at = parentOf(at)) if (at === ancestor) return true;
      return false;
    };

    // One root: the request that placed the order; every other span hangs from it.
    const roots = spans.filter((s) => !parentOf(s));
    expect(
      roots.map((s) => `${s.service}: ${s.name}`),
      render(spans),
    ).toEqual(['orders: POST /orders']);
    const [root] = roots;
    expect(root!.kind).toBe(SERVER);
    expect(new Set(spans.map((s) => s.service))).toEqual(
      new Set(['orders', 'inventory', 'payments', 'logistics', 'notifications']),
    );
    // The request's own statements are in it (pg instrumentation), not just messaging's spans.
    expect(spans.some((s) => s.service === 'orders' && s.name.startsWith('pg.query') && isAncestor(root!, s))).toBe(
      true,
    );

    // Each event: one publish by its producer, and each consumer's handling a direct child of it.
    const published = (service: string, type: string) => {
      const publish = find(service, `publish ${type}`);
      expect(publish.kind).toBe(PRODUCER);
      return publish;
    };
    const handled = (service: string, publish: ReceivedSpan) => {
      const type = publish.name.replace('publish ', '');
      const process = find(service, `process ${type}`);
      expect(process.kind).toBe(CONSUMER);
      expect(process.parentSpanId, `${service} handles ${type} as a child of its publish`).toBe(publish.spanId);
      expect(process.attributes['loja.outcome']).toBe('handled');
      return process;
    };
    /** The publish happens in the trace of what caused it (the request, or a handled message). */
    const causedBy = (cause: ReceivedSpan, publish: ReceivedSpan) =>
      expect(isAncestor(cause, publish), `${publish.name} under ${cause.service}: ${cause.name}`).toBe(true);

    const criado = published('orders', 'PedidoCriado');
    causedBy(root!, criado);
    const reserving = handled('inventory', criado);
    handled('notifications', criado);

    const reservado = published('inventory', 'EstoqueReservado');
    causedBy(reserving, reservado);
    const charging = handled('payments', reservado);
    handled('orders', reservado);

    const aprovado = published('payments', 'PagamentoAprovado');
    causedBy(charging, aprovado);
    const preparing = handled('logistics', aprovado);
    handled('orders', aprovado);
    handled('notifications', aprovado);

    const emPreparo = published('logistics', 'PedidoEmPreparo');
    causedBy(preparing, emPreparo);
    handled('orders', emPreparo);

    // Shipped later by the dispatcher, in the trace of the payment that prepared it.
    const shipping = find('logistics', 'ship shipment');
    expect(shipping.parentSpanId).toBe(preparing.spanId);
    const enviado = published('logistics', 'PedidoEnviado');
    causedBy(shipping, enviado);
    handled('orders', enviado);
    const notifyingShipped = handled('notifications', enviado);
    expect(shippedMail.parentSpanId).toBe(notifyingShipped.spanId);
  });
});

/** The trace as an indented tree (service: span name), for failure messages. */
function render(spans: ReceivedSpan[]): string {
  const children = new Map<string, ReceivedSpan[]>();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const span of spans) {
    const parent = ids.has(span.parentSpanId) ? span.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parent: string, depth: number) => {
    for (const span of children.get(parent) ?? []) {
      lines.push(`${'  '.repeat(depth)}${span.service}: ${span.name}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines.join('\n');
}
