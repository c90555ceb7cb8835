import { NetworkError, type HttpClient } from './http-client';
import { dueCount, dueTimeMs, plannedCount } from './schedule';
import { sleep } from './sleep';

/** Requests in flight beyond which a due send is dropped (and counted): the generator must stay bounded. */
export const MAX_IN_FLIGHT = 2_000;
const POST_TIMEOUT_MS = 30_000;

/** What the answers to one sender's POST /orders were. */
export interface SendStats {
  planned: number;
  sent: number;
  accepted: number;
  /** 503 answers with a Retry-After header: the store refusing what it cannot take now. */
  refused: number;
  /** Retry-After value → count, over the refusals. */
  retryAfter: Record<string, number>;
  /** HTTP status → count, for answers other than 201 and refusals (a 503 without Retry-After is here). */
  status: Record<string, number>;
  /** Error code → count (connection refused, reset, timeout...). */
  network: Record<string, number>;
  /** Sends dropped because too many requests were already in flight, or not made (interrupted). */
  skipped: number;
  /** Worst delay of a send behind its schedule (the load generator's own lag). */
  lagMaxMs: number;
  /** POST latency of the accepted orders, counted from the due time. */
  postLatencies: number[];
  /** HTTP status (or error code) → count, of the POST /orders/:id/cancel sent (with --cancel-share). */
  cancels: Record<string, number>;
}

/** Counts of a sender that has sent nothing yet. */
export function noStats(): SendStats {
  return {
    planned: 0,
    sent: 0,
    accepted: 0,
    refused: 0,
    retryAfter: {},
    status: {},
    network: {},
    skipped: 0,
    lagMaxMs: 0,
    postLatencies: [],
    cancels: {},
  };
}

/**
 * Sends POST /orders open-loop: order i at start + i/rate, sent then whatever happened to the others
 * (no coordinated omission). Per request it only counts the answer; the body of an answer is read only
 * for orders the caller follows (`follow`), to get their id.
 */
export class OpenLoopSender {
  readonly stats: SendStats = noStats();
  private inFlightCount = 0;
  private readonly requests = new Set<Promise<void>>();

  constructor(
    private readonly http: HttpClient,
    private readonly ordersUrl: string,
    /** The POST /orders body, serialised once. */
    private readonly orderBody: string,
    private readonly follow: {
      /** Whether the index-th order of a run is followed to its final state. */
      sampled: (index: number) => boolean;
      /** An accepted, followed order, with when it was due (performance.now()). */
      accepted: (orderId: string, dueAt: number) => void;
    },
    /** Share of the orders to cancel as soon as they are accepted (0: none, and no body is read for it). */
    private readonly cancelShare = 0,
  ) {}

  get inFlight(): number {
    return this.inFlightCount;
  }

  /**
   * Sends rate × duration orders, the i-th due at `startAt` + i/rate (performance.now() time); resolves
   * once the last one is sent (not answered: see settled). Orders not sent when `signal` aborts are skipped.
   */
  async run(rate: number, durationS: number, startAt: number, signal: AbortSignal): Promise<void> {
    const total = plannedCount(rate, durationS);
    this.stats.planned += total;
    let next = 0;
    while (next < total && !signal.aborted) {
      const due = dueCount(performance.now() - startAt, rate, total);
      for (; next < due; next++) this.fire(next, startAt + dueTimeMs(next, rate));
      if (next >= total) break;
      await sleep(startAt + dueTimeMs(next, rate) - performance.now());
    }
    this.stats.skipped += total - next;
  }

  /** Resolves once every request sent so far has its answer (or its error). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.requests]);
  }

  /** Asks to cancel an accepted order; counted by answer, followed like any order by the final counts. */
  private cancel(orderId: string): void {
    const cancels = this.stats.cancels;
    const request = this.http
      .send('POST', `${this.ordersUrl}/orders/${orderId}/cancel`, {
        body: '{}',
        timeoutMs: POST_TIMEOUT_MS,
        discardBody: true,
      })
      .then((response) => {
        cancels[response.status] = (cancels[response.status] ?? 0) + 1;
      })
      .catch((error: unknown) => {
        const code = error instanceof NetworkError ? error.code : 'ERROR';
        cancels[code] = (cancels[code] ?? 0) + 1;
      })
      .finally(() => this.requests.delete(request));
    this.requests.add(request);
  }

  private fire(index: number, due: number): void {
    const stats = this.stats;
    stats.lagMaxMs = Math.max(stats.lagMaxMs, performance.now() - due);
    if (this.inFlightCount >= MAX_IN_FLIGHT) {
      stats.skipped++;
      return;
    }
    const sampled = this.follow.sampled(index);
    const cancel = isCancelled(index, this.cancelShare);
    stats.sent++;
    this.inFlightCount++;
    const request = this.http
      .send('POST', `${this.ordersUrl}/orders`, {
        body: this.orderBody,
        timeoutMs: POST_TIMEOUT_MS,
        discardBody: !sampled && !cancel,
      })
      .then((response) => {
        if (response.status === 201) {
          stats.accepted++;
          stats.postLatencies.push(performance.now() - due);
          const id = sampled || cancel ? (response.body as { id?: string } | undefined)?.id : undefined;
          if (id && sampled) this.follow.accepted(id, due);
          if (id && cancel) this.cancel(id);
          return;
        }
        const retryAfter = response.headers['retry-after'];
        if (response.status === 503 && retryAfter !== undefined) {
          stats.refused++;
          stats.retryAfter[retryAfter] = (stats.retryAfter[retryAfter] ?? 0) + 1;
        } else {
          stats.status[response.status] = (stats.status[response.status] ?? 0) + 1;
        }
      })
      .catch((error: unknown) => {
        const code = error instanceof NetworkError ? error.code : 'ERROR';
        stats.network[code] = (stats.network[code] ?? 0) + 1;
      })
      .finally(() => {
        this.inFlightCount--;
        this.requests.delete(request);
      });
    this.requests.add(request);
  }
}

/** Whether the index-th order is one of the `share` to cancel, spread evenly over the run. */
export function isCancelled(index: number, share: number): boolean {
  return share > 0 && Math.floor((index + 1) * share) > Math.floor(index * share);
}
