import type { INestApplication } from '@nestjs/common';
import { declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace } from '@loja/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderBodyGenerator } from './fuzz/order-body-generator';
import { startOrdersAlone } from './orders-alone';

const BODIES = Number(process.env.FUZZ_BODIES ?? 5000);
// A fixed seed keeps CI reproducible; FUZZ_SEED=<n> explores other bodies.
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const SKUS = ['FUZZ-CAMISETA', 'FUZZ-CANECA'];

describe(`POST /orders under ${BODIES} generated bodies (seed ${SEED}; FUZZ_SEED replays)`, () => {
  let ns: TestNamespace;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ns = await TestNamespace.create('orders_fuzz');
    await declareStoreTopology(ns.rabbitmqUrl);
    const probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    const catalog = SKUS.map((sku, i) => ({ sku, name: sku, priceCents: 1000 + i }));
    ({ app, baseUrl } = await startOrdersAlone(ns, probe, {}, catalog));
    await probe.close();
  });

  afterAll(async () => {
    await app?.close();
    await ns?.dispose();
  });

  it('answers every body with 201 or a 4xx, never a 5xx, and stays healthy', { timeout: 600_000 }, async () => {
    const generator = new OrderBodyGenerator(SEED, SKUS);
    const statuses = new Map<number, number>();
    const serverErrors: Array<{ kind: string; status: number; body: string }> = [];
    const concurrency = 8;
    let sent = 0;
    const worker = async () => {
      while (sent < BODIES) {
        sent++;
        const fuzz = generator.next();
        const headers: Record<string, string> = {};
        if (fuzz.contentType) headers['content-type'] = fuzz.contentType;
        const response = await fetch(`${baseUrl}/orders`, { method: 'POST', headers, body: fuzz.body });
        const text = await response.text();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500 || (response.status !== 201 && !(response.status >= 400 && response.status < 500))) {
          serverErrors.push({ kind: fuzz.kind, status: response.status, body: String(fuzz.body).slice(0, 300) });
        } else if (response.status >= 400) {
          // every refusal says why, in the one error format
          expect(JSON.parse(text)).toMatchObject({ statusCode: response.status, code: expect.any(String) });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));

    console.log(
      `fuzz: ${BODIES} bodies, seed ${SEED}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(serverErrors).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(BODIES);
    expect((await fetch(`${baseUrl}/health`)).status).toBe(200);
  });
});
