import { Injectable, Logger } from '@nestjs/common';
import { PedidoCancelado } from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import { applyFact, sagaFactOf, type OrderState, type OrderStatus, type SagaEvent } from '../order';
import { OrderRepository, type LockedOrder, type TimelineEntry } from '../order.repository';
import { OrderMetricsService } from './order-metrics.service';

/** What a transaction has applied so far: the orders it locked, and the writes it owes. */
interface TrackedOrders {
  states: Map<string, OrderState>;
  placedAt: Map<string, Date>;
  entries: Array<{ orderId: string; status: OrderStatus; entry: TimelineEntry }>;
  changed: Map<string, OrderState>;
}

/**
 * Applies saga events to their orders: status per the rules in order.ts, a timeline entry for every
 * distinct event, and PedidoCancelado when (and only when) the order becomes CANCELLED.
 *
 * Set-based per transaction: the first event of a transaction locks the orders of every event the
 * transaction handles in one statement; each event is then applied in memory, in order (two events
 * of one order in one batch see each other), and all the timeline entries and new statuses are
 * written by one statement just before COMMIT.
 */
@Injectable()
export class TrackOrderService {
  private readonly logger = new Logger(TrackOrderService.name);
  private readonly tracked = new WeakMap<SqlTransaction, TrackedOrders>();

  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: OutboxService,
    private readonly metrics: OrderMetricsService,
  ) {}

  async execute(tx: SqlTransaction, event: SagaEvent): Promise<void> {
    const { orderId } = event.data;
    const tracked = await this.trackedIn(tx, orderId);
    const current = tracked.states.get(orderId);
    // The order is committed before PedidoCriado leaves, so this is not expected: retry, then DLQ.
    if (!current) throw new Error(`order ${orderId} not found for ${event.type} ${event.id}`);

    const transition = applyFact(current, sagaFactOf(event));
    tracked.states.set(orderId, transition.next);
    tracked.entries.push({
      orderId,
      status: transition.next.status,
      entry: { type: event.type, eventId: event.id, occurredAt: new Date(event.occurredAt) },
    });
    if (transition.changed) {
      tracked.changed.set(orderId, transition.next);
      if (FINAL_STATUSES.has(transition.next.status)) {
        // Counted once: a status becomes final once, and only a committed transaction counts.
        const { next } = transition;
        const placedAt = tracked.placedAt.get(orderId)!;
        tx.afterCommit(() => this.metrics.finished(next, placedAt, new Date(event.occurredAt)));
      }
    }
    tx.beforeCommit('orders.track-order', () => this.orders.recordEvents(tx, tracked.entries, tracked.changed));
    if (transition.cancelled && transition.next.cancellationReason) {
      await this.outbox.add(
        tx,
        PedidoCancelado,
        { orderId, reason: transition.next.cancellationReason },
        { causedBy: event },
      );
    }
    this.logger.debug({
      msg: transition.changed ? 'order status changed' : 'event recorded, status unchanged',
      orderId,
      eventId: event.id,
      type: event.type,
      from: current.status,
      to: transition.next.status,
    });
  }

  /** This transaction's locked orders; on its first event, locks those of all its events at once. */
  private async trackedIn(tx: SqlTransaction, orderId: string): Promise<TrackedOrders> {
    let tracked = this.tracked.get(tx);
    if (!tracked) {
      const ids = tx.eventsHandled.map((event) => (event.data as { orderId?: string }).orderId).filter(isString);
      tracked = { states: new Map(), placedAt: new Map(), entries: [], changed: new Map() };
      this.track(tracked, await this.orders.lockMany(tx, [...ids, orderId]));
      this.tracked.set(tx, tracked);
    } else if (!tracked.states.has(orderId)) {
      // Not among the events the transaction announced (a caller outside the consumer): lock it now.
      this.track(tracked, await this.orders.lockMany(tx, [orderId]));
    }
    return tracked;
  }

  private track(tracked: TrackedOrders, locked: Map<string, LockedOrder>): void {
    for (const [id, { placedAt, ...state }] of locked) {
      tracked.states.set(id, state);
      tracked.placedAt.set(id, placedAt);
    }
  }
}

const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(['SHIPPED', 'CANCELLED']);

const isString = (value: unknown): value is string => typeof value === 'string';
