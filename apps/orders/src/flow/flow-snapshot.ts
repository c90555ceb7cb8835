import type { QueueStats } from '@loja/provisioning';
import type { OrderStatus } from '../orders/order';
import type { SagaGraph } from './saga-graph';

/** How many events of one type Orders saw lately. */
export interface EventActivity {
  type: string;
  /** In the last minute. */
  lastMinute: number;
  /** Per second, over the last 10 seconds. */
  perSecond: number;
}

/** One of the latest orders, as the list of the flow page shows it. */
export interface OrderProgress {
  id: string;
  status: OrderStatus;
  cancellationReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A consumer queue with its DLQ: depth, consumers and rates from the management API. */
export interface QueueActivity extends Omit<QueueStats, 'name'> {
  name: string;
  service: string;
  deadLetterQueue: string;
  deadLettered: number;
}

/** What every viewer of the flow page receives, once per refresh. */
export interface FlowSnapshot {
  at: string;
  events: EventActivity[];
  orders: OrderProgress[];
  /** null when the management API could not be read; `brokerError` says why. */
  queues: QueueActivity[] | null;
  brokerError: string | null;
}

/** Sent once when a viewer connects: what never changes while Orders runs. */
export interface FlowSetup {
  graph: SagaGraph;
  refreshIntervalMs: number;
  traceLinks: boolean;
}

/** One step of an order's path: an event of its timeline and the time the order then spent. */
export interface PathStep {
  type: string;
  status: OrderStatus;
  occurredAt: string;
  recordedAt: string;
  /** From this event to the next one (to now for the last step of an order still moving). */
  spentMs: number | null;
  /** From the event's occurrence to Orders recording it: the broker, the queue, and any retry. */
  deliveredInMs: number;
}

export interface OrderPath {
  id: string;
  status: OrderStatus;
  cancellationReason: string | null;
  trackingCode: string | null;
  steps: PathStep[];
  /** From the order's creation to its final status (or to now). */
  totalMs: number;
  traceId: string;
  traceUrl: string | null;
}
