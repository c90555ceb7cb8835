import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sampleOrderRequest } from '@loja/contracts/samples';
import { metricValue, scrapeMetrics, waitFor, type MetricSample } from '@loja/messaging/testing';
import { serverSettingsFromEnv } from '@loja/provisioning';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardMetricNames } from './dashboard-metrics';
import { repoRoot, SERVICES } from './repo';

/**
 * The Grafana dashboard against what really answers: the five services started as processes (as
 * `npm run store` starts them), a shipped and a refused order placed over HTTP, then every service's
 * `GET /metrics` and the broker's Prometheus endpoint (:15692, scraped as infra/prometheus/scrape/
 * rabbitmq.yml does) read. Every metric the dashboard queries must be among them.
 */

const dashboard = join(repoRoot(), 'infra/grafana/dashboards/loja-store.json');
/** RabbitMQ's Prometheus plugin, on the host of its management API. */
const brokerMetricsUrl = `http://${new URL(serverSettingsFromEnv().rabbitmqManagementUrl).hostname}:15692`;

interface OrderView {
  id: string;
  status: string;
  cancellationReason?: string | null;
}

describe('the dashboard reads only metrics the store and the broker expose', () => {
  let store: RunningStore;
  const scraped = new Map<string, MetricSample[]>();

  async function placeOrder(cardToken: string): Promise<OrderView> {
    const response = await fetch(`${store.service('orders').url}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sampleOrderRequest({ payment: { method: 'card', cardToken } })),
    });
    expect(response.status).toBe(201);
    const placed = (await response.json()) as OrderView;
    return waitFor(
      `order ${placed.id} final`,
      async () => {
        const order = (await (await fetch(`${store.service('orders').url}/orders/${placed.id}`)).json()) as OrderView;
        return ['SHIPPED', 'CANCELLED'].includes(order.status) ? order : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  beforeAll(async () => {
    store = await startStore({
      namespace: `obs${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      serviceEnv: { logistics: { SHIPPING_DELAY_MS: '0' } },
    });
    // Orders prices from its replica of the catalogue: wait until it has every product.
    const products = ((await (await fetch(`${store.service('inventory').url}/products`)).json()) as unknown[]).length;
    await waitFor('catalogue replicated to orders', async () => {
      const health = (await (await fetch(`${store.service('orders').url}/health`)).json()) as {
        details: { consumers: { handled: number } };
      };
      return health.details.consumers.handled >= products;
    });
    expect((await placeOrder('tok_visa')).status).toBe('SHIPPED');
    expect(await placeOrder('tok_declined')).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'PAYMENT_REJECTED',
    });
    // Orders cancels the declined order and then publishes its PedidoCancelado, after the commit: the
    // order can read CANCELLED before the broker has confirmed that event, so wait for all three.
    const settled = (service: string, samples: MetricSample[]) =>
      metricValue(samples, 'loja_events_handled_total') > 0 &&
      (service !== 'orders' || metricValue(samples, 'loja_outbox_published_total') >= 3);
    for (const service of SERVICES) {
      const samples = await waitFor(`${service} handled events`, async () => {
        const samples = await scrapeMetrics(`${store.service(service).url}/metrics`);
        return settled(service, samples) ? samples : undefined;
      });
      scraped.set(service, samples);
    }
    scraped.set('rabbitmq', await scrapeMetrics(`${brokerMetricsUrl}/metrics`));
    scraped.set(
      'rabbitmq-queues',
      await scrapeMetrics(`${brokerMetricsUrl}/metrics/detailed?vhost=${store.namespace}&family=queue_coarse_metrics`),
    );
  }, 240_000);

  afterAll(async () => {
    await store?.stop();
    if (store) await dropStore(store.namespace);
  });

  it('finds every metric of every panel', () => {
    const exposed = new Set([...scraped.values()].flat().map((sample) => sample.name));
    const names = dashboardMetricNames(dashboard);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !exposed.has(name))).toEqual([]);
  });

  it.each(SERVICES)('labels everything %s exposes with its service, and exposes the messaging metrics', (service) => {
    const samples = scraped.get(service)!;
    expect(samples.filter((s) => s.labels.service !== service)).toEqual([]);
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
      'loja_outbox_backlog',
      'loja_outbox_oldest_age_seconds',
      'loja_events_handled_total',
      'loja_consumer_batch_size_count',
    ]) {
      expect(
        samples.some((s) => s.name === name),
        `${service} ${name}`,
      ).toBe(true);
    }
  });

  it('counts the orders as the saga finished them, and the requests by route', () => {
    const orders = scraped.get('orders')!;
    expect(metricValue(orders, 'loja_orders_finished_total', { status: 'SHIPPED' })).toBe(1);
    expect(metricValue(orders, 'loja_orders_finished_total', { status: 'CANCELLED', reason: 'PAYMENT_REJECTED' })).toBe(
      1,
    );
    expect(metricValue(orders, 'loja_order_time_to_shipped_seconds_count')).toBe(1);
    expect(
      metricValue(orders, 'loja_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/orders',
        status_code: '201',
      }),
    ).toBe(2);
    expect(
      metricValue(orders, 'loja_http_request_duration_seconds_count', { method: 'GET', route: '/orders/:id' }),
    ).toBeGreaterThan(0);
    // Each of the two orders was published by Orders' relay (PedidoCriado), and the refused one's PedidoCancelado.
    expect(metricValue(orders, 'loja_outbox_published_total')).toBeGreaterThanOrEqual(3);
  });

  it("reads the depth of the store's queues from the broker", () => {
    const queues = scraped.get('rabbitmq-queues')!;
    const names = new Set(
      queues.filter((s) => s.name === 'rabbitmq_detailed_queue_messages').map((s) => s.labels.queue),
    );
    expect(names).toContain('orders.track-order');
    expect(names).toContain('orders.track-order.dlq');
  });
});
