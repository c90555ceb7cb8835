import { Injectable, Logger } from '@nestjs/common';
import { CancelamentoSolicitado } from '@loja/contracts';
import { Database, OutboxService } from '@loja/messaging';
import { OrdersError } from '../../errors';
import { cancellationRequestFor } from '../order';
import { OrderRepository } from '../order.repository';
import { toOrderView, type OrderView } from '../order.view';

export interface CancellationAnswer {
  order: OrderView;
  /** True while Logistics has still to decide (202); false when the order was cancelled already (200). */
  pending: boolean;
}

/**
 * A customer asks to cancel an order. Orders does not cancel it itself: only Logistics knows whether
 * the parcel has left, so Orders records the request (timeline) and publishes CancelamentoSolicitado,
 * once per order; Logistics answers with CancelamentoAceito or CancelamentoRecusado (ADR 9).
 */
@Injectable()
export class CancelOrderService {
  private readonly logger = new Logger(CancelOrderService.name);

  constructor(
    private readonly database: Database,
    private readonly orders: OrderRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(orderId: string, reason: string | undefined): Promise<CancellationAnswer> {
    const outcome = await this.database.transaction(async (tx) => {
      const order = await this.orders.lockForCancellation(tx, orderId);
      if (!order) throw new OrdersError('ORDER_NOT_FOUND', `no order ${orderId}`);
      const request = cancellationRequestFor(order.status, order.cancellationRequested);
      if (request !== 'request') return request;
      const requested = await this.outbox.add(
        tx,
        CancelamentoSolicitado,
        { orderId, ...(reason !== undefined && { reason }) },
        { correlationId: orderId },
      );
      await this.orders.recordCancellationRequest(tx, {
        orderId,
        status: order.status,
        note: reason ?? null,
        entry: { type: CancelamentoSolicitado.type, eventId: requested.id, occurredAt: new Date(requested.occurredAt) },
      });
      return request;
    });
    if (outcome === 'already-shipped') {
      throw new OrdersError('ORDER_ALREADY_SHIPPED', `order ${orderId} has shipped and can no longer be cancelled`);
    }
    this.logger.log({ msg: 'cancellation requested', orderId, outcome });
    const order = await this.orders.findById(orderId);
    return { order: toOrderView(order!), pending: outcome !== 'already-cancelled' };
  }
}
