import type { HttpClient } from './http-client';

/** A service's message-consumer counters since it started, as GET /health reports them. */
export interface ConsumerTotals {
  handled: number;
  retried: number;
  batches: number;
  batchedMessages: number;
  batchRollbacks: number;
}

/** Per completed order: events handled and retried; and how batched the handling was. */
export interface ConsumerPerOrder {
  handled: number;
  retried: number;
  /** Share of handled events that shared a transaction with others, percent. */
  batchedPercent: number;
  /** Messages per shared transaction, on average. */
  averageBatch: number | null;
  batchRollbacks: number;
}

/**
 * Reads each service's consumer counters from its GET /health (messaging's EventConsumers stats): how
 * many events it handled, retried and handled in shared transactions. Deltas between two reads tell
 * why a rate costs what it costs (retries add work and latency; batches save transactions).
 */
export class ConsumerActivity {
  constructor(
    private readonly http: HttpClient,
    private readonly serviceUrls: Record<string, string>,
  ) {}

  async read(): Promise<Map<string, ConsumerTotals>> {
    const totals = new Map<string, ConsumerTotals>();
    await Promise.all(
      Object.entries(this.serviceUrls).map(async ([service, url]) => {
        try {
          // 503 still carries the counters: read the body whatever the status.
          const { body } = await this.http.send('GET', `${url}/health`, { timeoutMs: 5000 });
          const consumers = (body as { details?: { consumers?: Partial<ConsumerTotals> } }).details?.consumers;
          if (consumers) totals.set(service, toTotals(consumers));
        } catch {
          // a service that does not answer has no row for this rate
        }
      }),
    );
    return totals;
  }
}

const toTotals = (c: Partial<ConsumerTotals>): ConsumerTotals => ({
  handled: c.handled ?? 0,
  retried: c.retried ?? 0,
  batches: c.batches ?? 0,
  batchedMessages: c.batchedMessages ?? 0,
  batchRollbacks: c.batchRollbacks ?? 0,
});

/** (after − before) per completed order, per service, to 0.1. */
export function consumersPerOrder(
  before: Map<string, ConsumerTotals>,
  after: Map<string, ConsumerTotals>,
  orders: number,
): Record<string, ConsumerPerOrder> {
  if (!orders) return {};
  const round1 = (n: number) => Math.round(n * 10) / 10;
  const result: Record<string, ConsumerPerOrder> = {};
  for (const [service, end] of after) {
    const start = before.get(service);
    if (!start) continue;
    const handled = end.handled - start.handled;
    const batches = end.batches - start.batches;
    const batchedMessages = end.batchedMessages - start.batchedMessages;
    result[service] = {
      handled: round1(handled / orders),
      retried: round1((end.retried - start.retried) / orders),
      batchedPercent: handled > 0 ? Math.round((Math.min(batchedMessages, handled) / handled) * 100) : 0,
      averageBatch: batches > 0 ? round1(batchedMessages / batches) : null,
      batchRollbacks: end.batchRollbacks - start.batchRollbacks,
    };
  }
  return result;
}
