import type { HttpClient } from './http-client';
import { pollIntervalMs } from './schedule';

export const FINAL_STATUSES = ['SHIPPED', 'CANCELLED'];

interface Tracked {
  id: string;
  /** When the POST was due (performance.now()): latency counts from the intended send time. */
  startedAt: number;
  /** The same instant on the wall clock (Date.now()), which the store's timestamps use. */
  startedAtWall: number;
  nextPollAt: number;
  polling: boolean;
}

const TICK_MS = 10;

/** What the poller reads of GET /orders/:id. */
interface FinalStateView {
  status?: string;
  timeline?: Array<{ status?: string; recordedAt?: string }>;
}

/**
 * Follows a sample of orders to their final state with GET /orders/:id: every 50 ms while young, then
 * less often as they age (see pollIntervalMs). A budget of polls per second (token bucket) and a cap on
 * requests in flight keep the measurement light next to the load it measures: when a backlog leaves
 * many orders pending, the most overdue is polled first and all are polled less often. An order's
 * final time is when a poll sees it, and also when Orders recorded it (its timeline's recordedAt).
 */
export class FinalStatePoller {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private tokens = 1;
  private lastTick = performance.now();
  /** POST → final state seen, in ms. */
  readonly latencies: number[] = [];
  /**
   * POST → final state recorded, in ms: the time Orders wrote on the final entry of the order's
   * timeline. Exact, where `latencies` are late by up to a poll interval (50 ms and more).
   */
  readonly recordedLatencies: number[] = [];
  readonly outcomes: Record<string, number> = {};
  polls = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly ordersUrl: string,
    private readonly budgetPerSec: number,
    private readonly maxConcurrent = 4,
  ) {}

  track(orderId: string, startedAt: number): void {
    const now = performance.now();
    this.tracked.set(orderId, {
      id: orderId,
      startedAt,
      // Converted now, a moment after it: performance.timeOrigin + startedAt would carry the drift
      // between the monotonic and the wall clock since this process started (hundreds of ms here).
      startedAtWall: Date.now() - (now - startedAt),
      nextPollAt: now + pollIntervalMs(now - startedAt),
      polling: false,
    });
  }

  /** Sampled orders not yet seen in a final state. */
  get pending(): number {
    return this.tracked.size;
  }

  start(): void {
    this.lastTick = performance.now();
    this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const now = performance.now();
    this.tokens = Math.min(
      Math.max(1, this.budgetPerSec / 10),
      this.tokens + ((now - this.lastTick) / 1000) * this.budgetPerSec,
    );
    this.lastTick = now;
    if (this.tokens < 1 || this.inFlight >= this.maxConcurrent) return;
    const due = [...this.tracked.values()]
      .filter((order) => !order.polling && order.nextPollAt <= now)
      .sort((a, b) => a.nextPollAt - b.nextPollAt);
    for (const order of due) {
      if (this.tokens < 1 || this.inFlight >= this.maxConcurrent) return;
      this.tokens--;
      this.poll(order);
    }
  }

  private poll(order: Tracked): void {
    order.polling = true;
    this.inFlight++;
    this.polls++;
    this.http
      .send('GET', `${this.ordersUrl}/orders/${order.id}`, { timeoutMs: 10_000 })
      .then((response) => {
        const seen = performance.now();
        const body = response.body as FinalStateView | undefined;
        const status = body?.status;
        if (response.status === 200 && status && FINAL_STATUSES.includes(status)) {
          this.latencies.push(seen - order.startedAt);
          const recordedAt = body.timeline?.find((entry) => entry.status === status)?.recordedAt;
          if (recordedAt) this.recordedLatencies.push(Date.parse(recordedAt) - order.startedAtWall);
          this.outcomes[status] = (this.outcomes[status] ?? 0) + 1;
          this.tracked.delete(order.id);
        } else {
          order.nextPollAt = seen + pollIntervalMs(seen - order.startedAt);
        }
      })
      .catch(() => {
        order.nextPollAt = performance.now() + 250;
      })
      .finally(() => {
        order.polling = false;
        this.inFlight--;
      });
  }
}
