import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BrokerProbe } from '@loja/messaging/testing';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePoison } from './chaos/poison';
import { orderRequest, StoreClient } from './store-client';

/** Debian's chromium: scripts/test.sh installs it when it is missing (Playwright cannot download one here). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where the screenshot goes; `FLOW_SCREENSHOT=docs/flow.png` refreshes the README's. */
const SCREENSHOT = resolve(__dirname, '..', process.env.FLOW_SCREENSHOT ?? '.test-results/flow.png');
const TRACE_URL = 'http://localhost:16686/trace/{traceId}';

/** What this test reads of a snapshot (the whole shape is apps/orders/src/flow/flow-snapshot.ts). */
interface FlowSnapshot {
  events: Array<{ type: string; lastMinute: number; perSecond: number }>;
}

/** The first snapshot of the flow page's Server-Sent Events, read as a browser's EventSource would. */
async function firstSnapshot(url: string): Promise<FlowSnapshot> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${url} ended before a snapshot`);
      text += value;
      for (const message of text.split('\n\n').slice(0, -1)) {
        const lines = message.split('\n');
        if (!lines.includes('event: snapshot')) continue;
        const data = lines.filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length));
        return JSON.parse(data.join('\n')) as FlowSnapshot;
      }
    }
  } finally {
    controller.abort();
  }
}

/**
 * Orders' flow page in a real browser, against the whole store: an order placed over HTTP shows up and
 * reaches SHIPPED on the page without a reload, its path links its trace, and poison sent to the
 * broker shows up as dead-lettered messages.
 */
describe('the live saga page', () => {
  let store: RunningStore;
  let client: StoreClient;
  let probe: BrokerProbe;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    store = await startStore({
      namespace: `flow${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      mailSink: { smtpPort: 0, httpPort: 0 },
      env: { MESSAGING_RETRY_INITIAL_DELAY_MS: '200', MESSAGING_RETRY_MULTIPLIER: '2', MESSAGING_RETRY_ATTEMPTS: '4' },
      serviceEnv: {
        orders: { FLOW_REFRESH_INTERVAL_MS: '500', FLOW_TRACE_URL: TRACE_URL },
        // Slow enough to watch the order move, fast enough for a test.
        logistics: { SHIPPING_DELAY_MS: '300' },
      },
    });
    client = new StoreClient({ orders: store.service('orders').url, inventory: store.service('inventory').url });
    probe = await BrokerProbe.connect(store.rabbitmqUrl);
    await client.catalogueReplicated();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  });

  afterAll(async () => {
    await browser?.close();
    await probe?.close();
    await store?.stop();
    if (store) await dropStore(store.namespace);
  });

  it('shows an order reach SHIPPED live, its path and trace, then the DLQ count rise after poison', async () => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${store.service('orders').url}/flow`);
    await page.waitForSelector('#live.on', { timeout: 10_000 });
    expect(await page.locator('[data-testid="dlq-total"] .value').textContent()).toBe('0');

    // Placed after the page opened: it must appear and move without a reload.
    const shipped = await client.placeOrder(orderRequest([{ sku: 'CAMISETA-BASICA-M', quantity: 2 }]));
    const flaky = await client.placeOrder(orderRequest([{ sku: 'CALCA-JEANS-42', quantity: 1 }], 'tok_flaky'));
    const declined = await client.placeOrder(orderRequest([{ sku: 'CAMISETA-BASICA-M', quantity: 1 }], 'tok_declined'));
    const more = await Promise.all(
      ['CALCA-JEANS-42', 'CAMISETA-BASICA-M', 'CALCA-JEANS-42'].map((sku) =>
        client.placeOrder(orderRequest([{ sku, quantity: 1 }])),
      ),
    );
    expect([shipped, flaky, declined, ...more].map((placed) => placed.status)).toEqual([201, 201, 201, 201, 201, 201]);
    const row = (id: string, status: string) => `[data-order-id="${id}"][data-status="${status}"]`;
    await page.waitForSelector(row(shipped.order.id, 'SHIPPED'), { timeout: 60_000 });
    await page.waitForSelector(row(declined.order.id, 'CANCELLED'), { timeout: 60_000 });
    await page.waitForSelector(row(flaky.order.id, 'SHIPPED'), { timeout: 60_000 });
    for (const placed of more) await page.waitForSelector(row(placed.order.id, 'SHIPPED'), { timeout: 60_000 });

    // The edges' figures come from Orders' timeline: every shipped order counted in the last minute.
    const snapshot = await firstSnapshot(`${store.service('orders').url}/flow/api/stream`);
    const shippedLastMinute = snapshot.events.find((e) => e.type === 'PedidoEnviado')?.lastMinute;
    expect(shippedLastMinute).toBe(5);
    expect(snapshot.events.find((e) => e.type === 'PedidoCancelado')?.lastMinute).toBe(1);

    // Its path: every step of the timeline, and a link to its trace.
    await page.click(`[data-order-id="${flaky.order.id}"]`);
    await page.waitForSelector('.path [data-step="PedidoEnviado"]');
    const steps = await page
      .locator('.path [data-step]')
      .evaluateAll((items) => items.map((i) => i.getAttribute('data-step')));
    expect(steps).toEqual([
      'PedidoCriado',
      'EstoqueReservado',
      'PagamentoAprovado',
      'PedidoEmPreparo',
      'PedidoEnviado',
    ]);
    const traceId = flaky.order.id.replace(/-/g, '');
    expect(await page.getAttribute('a.trace', 'href')).toBe(TRACE_URL.replace('{traceId}', traceId));

    // Poison on pedido.criado: every queue bound to it dead-letters its copy at once.
    const poison = makePoison('not-json', 'pedido.criado', 0);
    await probe.publish('loja.events', poison.routingKey, poison.body, { messageId: poison.messageId });
    const expected = String(poison.expectedDlqs.length);
    await page
      .locator('[data-testid="dlq-total"] .value', { hasText: new RegExp(`^${expected}$`) })
      .waitFor({ timeout: 30_000 });
    for (const dlq of poison.expectedDlqs) {
      expect(await page.textContent(`[data-dlq="${dlq}"]`), dlq).toBe('1');
    }
    expect(await page.textContent('[data-dlq="payments.charge-order.dlq"]')).toBe('0');

    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
  });
});
