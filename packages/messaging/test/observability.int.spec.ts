import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, PedidoCriado, type DataOf } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, EventConsumers, OutboxService } from '../src';
import {
  BrokerProbe,
  metricValue,
  parseMetrics,
  scrapeMetrics,
  TestNamespace,
  waitFor,
  type MetricSample,
} from '../src/testing';
import { FailurePlan, PrismaService, startTestApp } from './fixtures/test-app';

const QUEUE = 'test.record-order';
const TYPE = 'PedidoCriado';
/** The readiness thresholds of the app under test: small, so the tests can cross them. */
const OUTBOX_MAX_AGE_MS = 5000;
const MAX_WAITING = 5;
const PREFETCH = 2;

interface HealthBody {
  status: 'ok' | 'error';
  info: Record<string, { status: string }>;
  error: Record<string, { status: string; error?: string }>;
  details: Record<string, { status: string; [detail: string]: any }>;
}

const order = (): DataOf<typeof PedidoCriado> => sampleData(PedidoCriado, { orderId: randomUUID() });

/**
 * `GET /metrics` and `GET /health/*` of a service using MessagingModule and MetricsModule, served over
 * HTTP on the real servers: the counters move with real deliveries, and readiness fails, naming the
 * check, when the outbox or a consumer queue falls behind.
 */
describe('messaging: metrics and health, on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let app: INestApplication;
  let baseUrl: string;

  const metrics = () => scrapeMetrics(`${baseUrl}/metrics`);
  const events = (samples: MetricSample[], name: string, labels: Record<string, string> = {}) =>
    metricValue(samples, name, { queue: QUEUE, ...labels });
  const health = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: (await response.json()) as HealthBody };
  };
  const effectsOf = (orderId: string) =>
    app.get(PrismaService).testEffect.count({ where: { note: `recorded ${orderId}` } });
  async function placeOrder(data = order()) {
    const outbox = app.get(OutboxService);
    return app.get(Database).transaction((tx) => outbox.add(tx, PedidoCriado, data, { correlationId: data.orderId }));
  }

  beforeAll(async () => {
    ns = await TestNamespace.create('observability');
    const databaseUrl = await ns.database('observability', join(__dirname, '..'));
    app = await startTestApp({
      databaseUrl,
      rabbitmqUrl: ns.rabbitmqUrl,
      prefetch: PREFETCH,
      batchSize: 1,
      retry: { attempts: 2, initialDelayMs: 100 },
      health: { outboxMaxAgeMs: OUTBOX_MAX_AGE_MS, consumerMaxWaitingMessages: MAX_WAITING },
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
  });

  afterAll(async () => {
    await probe?.close();
    await app?.close();
    await ns?.dispose();
  });

  it('serves Prometheus text with the service label, Node’s default metrics and every series at 0 from the start', async () => {
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'process_resident_memory_bytes',
    ]) {
      expect(text).toMatch(new RegExp(`^${name}\\{service="orders"\\} `, 'm'));
    }
    const samples = parseMetrics(text);
    const series = (name: string, labels: Record<string, string>) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    const mine = { queue: QUEUE, service: 'orders' };
    expect(series('loja_events_handled_total', { ...mine, type: TYPE })).toEqual([
      { name: 'loja_events_handled_total', labels: { ...mine, type: TYPE }, value: 0 },
    ]);
    expect(
      series('loja_events_dead_lettered_total', { ...mine, type: TYPE, reason: 'retries-exhausted' }),
    ).toHaveLength(1);
    expect(series('loja_consumer_batch_size_count', mine).map((s) => s.value)).toEqual([0]);
    expect(series('loja_consumer_batch_rollbacks_total', mine).map((s) => s.value)).toEqual([0]);
    expect(series('loja_outbox_backlog', { service: 'orders' }).map((s) => s.value)).toEqual([0]);
    expect(series('loja_outbox_oldest_age_seconds', { service: 'orders' }).map((s) => s.value)).toEqual([0]);
  });

  it('counts handled, duplicate, retried and dead-lettered deliveries, and what the relay published', async () => {
    const before = await metrics();
    const plan = app.get(FailurePlan);

    const handled = await placeOrder();
    const flaky = order();
    plan.failuresLeft.set(flaky.orderId, 1);
    await placeOrder(flaky);
    const doomed = order();
    plan.permanent.add(doomed.orderId);
    await placeOrder(doomed);
    await waitFor('handled, and handled after one retry', async () => {
      const counts = await Promise.all([effectsOf(handled.data.orderId), effectsOf(flaky.orderId)]);
      return counts.every((count) => count === 1);
    });
    // A redelivery of the handled event, and a message that is not JSON.
    await probe.publish('loja.events', 'pedido.criado', handled, { messageId: handled.id });
    await probe.publish('loja.events', 'pedido.criado', Buffer.from('not json'), { messageId: 'poison' });
    const consumers = app.get(EventConsumers);
    await waitFor('the duplicate and both poison messages settled', async () => {
      const stats = consumers.stats;
      return stats.duplicates >= 1 && stats.deadLettered >= 2;
    });

    const after = await metrics();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      events(after, name, labels) - events(before, name, labels);
    expect(delta('loja_events_handled_total', { type: TYPE })).toBe(2);
    expect(delta('loja_events_duplicates_total', { type: TYPE })).toBe(1);
    expect(delta('loja_events_retried_total', { type: TYPE })).toBe(1);
    expect(delta('loja_events_dead_lettered_total', { type: TYPE, reason: 'permanent-error' })).toBe(1);
    expect(delta('loja_events_dead_lettered_total', { type: 'unknown', reason: 'invalid-json' })).toBe(1);
    // 3 events + 1 retry reached a handler's transaction, and the redelivery two: handled as new, it
    // broke the inbox's key at COMMIT, and ran again with the inbox first, which skipped its handler.
    // The poison reached none.
    expect(delta('loja_consumer_transaction_duration_seconds_count')).toBe(6);
    expect(delta('loja_consumer_handler_duration_seconds_count')).toBe(5);
    expect(delta('loja_consumer_batch_size_count')).toBe(3);
    const outbox = (name: string) => metricValue(after, name) - metricValue(before, name);
    expect(outbox('loja_outbox_published_total')).toBe(3);
    expect(outbox('loja_outbox_publish_confirm_seconds_count')).toBe(3);
    expect(outbox('loja_outbox_publish_refused_total')).toBe(0);
    expect(await probe.messageCount(`${QUEUE}.dlq`)).toBe(2);
    await probe.purge(`${QUEUE}.dlq`);
  });

  it('times HTTP requests by route pattern and status', async () => {
    await fetch(`${baseUrl}/health/live`);
    await fetch(`${baseUrl}/no/such/${randomUUID()}`);
    const samples = await metrics();
    const count = (labels: Record<string, string>) =>
      metricValue(samples, 'loja_http_request_duration_seconds_count', labels);
    expect(count({ method: 'GET', route: '/health/live', status_code: '200' })).toBeGreaterThanOrEqual(1);
    expect(count({ method: 'GET', route: 'unmatched', status_code: '404' })).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => s.labels.route?.startsWith('/no/such/'))).toBe(false);
  });

  it('is live, and ready with the details operators read', async () => {
    expect((await health('/health/live')).status).toBe(200);
    for (const path of ['/health/ready', '/health']) {
      const { status, body } = await health(path);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.status).toBe('ok');
      expect(Object.keys(body.details).sort()).toEqual(['broker', 'consumerLag', 'consumers', 'database', 'outbox']);
      expect(body.details.database).toMatchObject({ status: 'up', outboxBacklog: 0 });
      expect(body.details.consumers).toMatchObject({ status: 'up', queues: [QUEUE], handled: expect.any(Number) });
      expect(body.details.outbox).toMatchObject({ status: 'up', backlog: 0, maxAgeMs: OUTBOX_MAX_AGE_MS });
      expect(body.details.consumerLag).toMatchObject({ status: 'up', waiting: { [QUEUE]: 0 } });
    }
  });

  it('is not ready while the oldest unpublished outbox event is older than HEALTH_OUTBOX_MAX_AGE_MS', async () => {
    const prisma = app.get(PrismaService);
    const data = order();
    // As a relay that stopped publishing would leave it: written a minute ago, still unpublished.
    const event = createEvent(PedidoCriado, data, { source: 'orders', correlationId: data.orderId });
    await prisma.$executeRawUnsafe(
      `INSERT INTO outbox_message (id, routing_key, type, envelope, claimed_until, created_at)
       VALUES ($1::uuid, 'pedido.criado', 'PedidoCriado', $2::jsonb, now() + interval '1 hour', now() - interval '1 minute')`,
      event.id,
      JSON.stringify(event),
    );
    const { status, body } = await health('/health/ready');
    expect(status).toBe(503);
    expect(body.status).toBe('error');
    expect(Object.keys(body.error)).toEqual(['outbox']);
    expect(body.error.outbox!.error).toMatch(/oldest unpublished event is \d+ ms old \(max 5000\)/);
    expect(body.details.outbox).toMatchObject({ status: 'down', backlog: 1, maxAgeMs: OUTBOX_MAX_AGE_MS });
    expect(body.details.outbox!.oldestAgeMs).toBeGreaterThanOrEqual(60_000);
    expect((await health('/health')).status).toBe(503);
    expect((await health('/health/live')).status).toBe(200);
    const scraped = await metrics();
    expect(metricValue(scraped, 'loja_outbox_backlog')).toBe(1);
    expect(metricValue(scraped, 'loja_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(60);

    await prisma.$executeRawUnsafe(`UPDATE outbox_message SET published_at = now() WHERE id = $1::uuid`, event.id);
    expect((await health('/health/ready')).status).toBe(200);
  });

  it('is not ready while a consumer queue holds more than HEALTH_CONSUMER_MAX_WAITING_MESSAGES', async () => {
    const plan = app.get(FailurePlan);
    const first = order();
    let release!: () => void;
    const entered = new Promise<void>((resolve) =>
      plan.gates.set(first.orderId, { entered: resolve, release: new Promise<void>((r) => (release = r)) }),
    );
    await placeOrder(first);
    await entered;
    // The consumer holds at most PREFETCH messages: the rest wait in the queue.
    const burst = Array.from({ length: PREFETCH + MAX_WAITING }, order);
    await app.get(Database).transaction(async (tx) => {
      for (const data of burst)
        await app.get(OutboxService).add(tx, PedidoCriado, data, { correlationId: data.orderId });
    });
    await waitFor('messages waiting in the queue', async () => (await probe.messageCount(QUEUE)) > MAX_WAITING);

    const { status, body } = await health('/health/ready');
    expect(status).toBe(503);
    expect(Object.keys(body.error)).toEqual(['consumerLag']);
    expect(body.error.consumerLag!.error).toMatch(
      new RegExp(`more than ${MAX_WAITING} messages waiting in ${QUEUE} \\(\\d+\\)`),
    );
    expect(body.details.consumerLag!.waiting[QUEUE]).toBeGreaterThan(MAX_WAITING);
    expect(body.details.database!.status).toBe('up');

    release();
    await waitFor('the burst handled', async () => {
      const counts = await Promise.all(burst.map((data) => effectsOf(data.orderId)));
      return counts.every((count) => count === 1);
    });
    await waitFor('ready again', async () => (await health('/health/ready')).status === 200);
  });
});
