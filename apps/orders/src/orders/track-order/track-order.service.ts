import { Injectable, Logger } from '@nestjs/common';
import { PedidoCancelado } from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import { applyFact, sagaFactOf, type SagaEvent } from '../order';
import { OrderRepository } from '../order.repository';

/**
 * Applies one saga event to its order: status per the rules in order.ts, a timeline entry for every
 * distinct event, and PedidoCancelado when (and only when) the order becomes CANCELLED.
 */
@Injectable()
export class TrackOrderService {
  private readonly logger = new Logger(TrackOrderService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(event: SagaEvent, tx: SqlTransaction): Promise<void> {
    const { orderId } = event.data;
    // Locked: two events for one order (from two consumers or replicas) apply one after the other.
    const current = await this.orders.lock(tx, orderId);
    // The order is committed before PedidoCriado leaves, so this is not expected: retry, then DLQ.
    if (!current) throw new Error(`order ${orderId} not found for ${event.type} ${event.id}`);

    const transition = applyFact(current, sagaFactOf(event));
    await this.orders.recordEvent(tx, orderId, transition.next, transition.changed, {
      type: event.type,
      eventId: event.id,
      occurredAt: new Date(event.occurredAt),
    });
    if (transition.cancelled && transition.next.cancellationReason) {
      await this.outbox.add(
        tx,
        PedidoCancelado,
        { orderId, reason: transition.next.cancellationReason },
        { causedBy: event },
      );
    }

    const context = { orderId, eventId: event.id, type: event.type };
    if (transition.changed) {
      this.logger.debug({ msg: 'order status changed', ...context, from: current.status, to: transition.next.status });
    } else {
      this.logger.debug({ msg: 'event recorded, status unchanged', ...context, status: current.status });
    }
  }
}
