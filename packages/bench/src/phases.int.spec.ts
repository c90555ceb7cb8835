import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuSampler } from './cpu-sampler';
import { HttpClient } from './http-client';
import { runOverloadPhase } from './overload-phase';
import { runRatePhase, type PhaseContext } from './rate-phase';
import { DEFAULT_CRITERIA } from './sustainable';

/**
 * A stand-in for Orders, enough for the phases' bookkeeping: POST /orders takes up to `capacity` orders
 * a second and refuses the rest with 503 + Retry-After; an order is SHIPPED (and so recorded on its
 * timeline) 50 ms after it was taken;
 * GET /orders?status=… counts, GET /orders/:id reads one.
 */
class FakeOrders {
  capacity = Infinity;
  /** Orders still taken before every further one is refused (whatever the second). */
  acceptLeft = Infinity;
  private readonly taken = new Map<string, number>();
  /** When each was taken, on the wall clock (the store's timestamps are). */
  private readonly takenAtWall = new Map<string, number>();
  private window = { second: 0, count: 0 };
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      const url = new URL(req.url ?? '/', 'http://fake');
      if (req.method === 'POST' && url.pathname === '/orders') {
        req.resume();
        req.on('end', () => {
          const second = Math.floor(performance.now() / 1000);
          if (second !== this.window.second) this.window = { second, count: 0 };
          if (this.window.count >= this.capacity || this.acceptLeft <= 0) {
            return json(503, { statusCode: 503 }, { 'retry-after': '1' });
          }
          this.window.count++;
          this.acceptLeft--;
          const id = randomUUID();
          this.taken.set(id, performance.now());
          this.takenAtWall.set(id, Date.now());
          json(201, { id, status: 'PENDING' });
        });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/orders') {
        const status = url.searchParams.get('status');
        return json(200, { total: status === 'SHIPPED' ? this.shipped() : 0, items: [] });
      }
      const id = /^\/orders\/(.+)$/.exec(url.pathname)?.[1];
      const at = id ? this.taken.get(id) : undefined;
      if (req.method === 'GET' && at !== undefined) {
        if (performance.now() - at < 50) return json(200, { id, status: 'PENDING', timeline: [] });
        // Shipped 50 ms after it was taken, and recorded then, as Orders writes it on the timeline.
        const recordedAt = new Date(this.takenAtWall.get(id!)! + 50).toISOString();
        return json(200, { id, status: 'SHIPPED', timeline: [{ status: 'SHIPPED', recordedAt }] });
      }
      json(404, { statusCode: 404 });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  private shipped(): number {
    const now = performance.now();
    let n = 0;
    for (const at of this.taken.values()) if (now - at >= 50) n++;
    return n;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('rate and overload phases against a stand-in Orders', () => {
  const orders = new FakeOrders();
  const http = new HttpClient();
  let ctx: PhaseContext;

  beforeAll(async () => {
    await orders.start();
    ctx = {
      http,
      ordersUrl: orders.url,
      orderBody: '{}',
      cancelShare: 0,
      cpu: new CpuSampler([]),
      broker: undefined,
      postgres: undefined,
      consumers: undefined,
      mail: undefined,
      unitCosts: { cores: 2, msPerDelivery: null, msPerTransaction: null },
      maxSamples: 10,
      criteria: DEFAULT_CRITERIA,
      log: () => undefined,
      signal: new AbortController().signal,
    };
  });

  afterAll(async () => {
    http.close();
    await orders.stop();
  });

  it('measures a rate the stand-in keeps up with as sustainable', async () => {
    orders.capacity = Infinity;
    const { result, drained } = await runRatePhase(ctx, 20, 1);
    expect(drained).toBe(true);
    expect(result).toMatchObject({ offeredRate: 20, planned: 20, sent: 20, accepted: 20, finalAtEnd: 20 });
    expect(result.completedPerSec).toBe(20);
    expect(result.final.count).toBe(10);
    // Recorded 50 ms after it was taken (at least 50 ms after it was due), seen by a poll later still.
    expect(result.finalRecorded.count).toBe(10);
    expect(result.finalRecorded.p50).toBeGreaterThanOrEqual(50);
    expect(result.finalRecorded.max).toBeLessThanOrEqual(result.final.max!);
    expect(result.errors.total).toBe(0);
    expect(result.sustainable).toBe(true);
    expect(result.cpuPerOrder.harnessMs).not.toBeNull();
  });

  it('counts a 503 with Retry-After as an error at a rate', async () => {
    // A budget, not a rate: 20 orders in 1 s may straddle two calendar seconds.
    orders.acceptLeft = 10;
    const { result } = await runRatePhase(ctx, 20, 1);
    orders.acceptLeft = Infinity;
    expect(result.accepted).toBe(10);
    expect(result.errors.status[503]).toBe(10);
    expect(result.sustainable).toBe(false);
  });

  it('overloads, counts the refusals apart from errors, and checks nothing accepted was lost', async () => {
    orders.capacity = 25;
    const o = await runOverloadPhase(ctx, { sustainableRate: 20, overloadRate: 40, durationS: 2 });
    orders.capacity = Infinity;
    expect(o.factor).toBe(2);
    expect(o.during).toMatchObject({ offeredRate: 40, planned: 80, sent: 80 });
    expect(o.after).toMatchObject({ offeredRate: 20, planned: 40, sent: 40 });
    // (the stand-in's capacity is per calendar second: the one of the switch may refuse a few)
    expect(o.after.accepted + o.after.refused).toBe(40);
    expect(o.during.refused).toBeGreaterThan(0);
    expect(o.during.accepted + o.during.refused).toBe(80);
    expect(o.during.retryAfter).toEqual({ '1': o.during.refused });
    expect(o.accepted).toBe(o.during.accepted + o.after.accepted);
    expect(o.finalAtEnd).toBe(o.accepted);
    expect(o.errors.total).toBe(0);
    // The stand-in completes what it takes: ~25/s during, 20/s after (counts are over the real intervals).
    expect(o.during.completedPerSec).toBeGreaterThan(18);
    expect(o.after.completedPerSec).toBeGreaterThan(15);
    expect(o.during.final.count).toBeGreaterThan(0);
    expect(o.holds).toBe(o.reasons.length === 0);
  });
});
