import { isFinal, type OrderStatus } from '../orders/order';
import type { OrderPath } from './flow-snapshot';

interface TimelineInput {
  id: string;
  status: OrderStatus;
  cancellationReason: string | null;
  trackingCode: string | null;
  timeline: ReadonlyArray<{ type: string; status: OrderStatus; occurredAt: Date; recordedAt: Date }>;
}

/** The URL of a trace in the tracing UI: FLOW_TRACE_URL with `{traceId}` filled in. */
export function traceUrl(template: string | undefined, traceId: string): string | null {
  return template ? template.replaceAll('{traceId}', traceId) : null;
}

/**
 * An order's path from its timeline: how long it stayed after each event (until the next one, or
 * until now while it still moves), and how long each event took to reach Orders.
 */
export function orderPath(
  order: TimelineInput,
  trace: { traceId: string; traceUrl: string | null },
  now: Date,
): OrderPath {
  const final = isFinal(order.status);
  const steps = order.timeline.map((entry, i) => {
    const next = order.timeline[i + 1];
    const until = next ? next.occurredAt.getTime() : final ? null : now.getTime();
    return {
      type: entry.type,
      status: entry.status,
      occurredAt: entry.occurredAt.toISOString(),
      recordedAt: entry.recordedAt.toISOString(),
      spentMs: until === null ? null : Math.max(0, until - entry.occurredAt.getTime()),
      deliveredInMs: Math.max(0, entry.recordedAt.getTime() - entry.occurredAt.getTime()),
    };
  });
  const first = order.timeline[0]?.occurredAt.getTime() ?? now.getTime();
  const last = order.timeline.at(-1)?.occurredAt.getTime() ?? first;
  return {
    id: order.id,
    status: order.status,
    cancellationReason: order.cancellationReason,
    trackingCode: order.trackingCode,
    steps,
    totalMs: (final ? last : now.getTime()) - first,
    ...trace,
  };
}
