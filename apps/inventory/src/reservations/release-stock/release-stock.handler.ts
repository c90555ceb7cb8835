import { Injectable } from '@nestjs/common';
import { EstoqueLiberado, PagamentoRejeitado, PedidoCancelado, type EventOf } from '@loja/contracts';
import { HandleEvent, OutboxService, type SqlTransaction } from '@loja/messaging';
import { ProductChanges } from '../../products/product-changes';
import { ProductRepository } from '../../products/product.repository';
import { ReservationRepository } from '../reservation.repository';

/**
 * Compensation: PagamentoRejeitado, or PedidoCancelado while stock is held → the reservation goes
 * back to stock, exactly once (both events arrive for a rejected payment; the first one releases,
 * the second finds the reservation RELEASED and does nothing).
 */
@Injectable()
export class ReleaseStock {
  constructor(
    private readonly products: ProductRepository,
    private readonly reservations: ReservationRepository,
    private readonly changes: ProductChanges,
    private readonly outbox: OutboxService,
  ) {}

  @HandleEvent(PagamentoRejeitado, { queue: 'inventory.release-stock' })
  onPaymentRejected(event: EventOf<typeof PagamentoRejeitado>, tx: SqlTransaction): Promise<void> {
    return this.release(event, tx, 'PAYMENT_REJECTED');
  }

  @HandleEvent(PedidoCancelado, { queue: 'inventory.release-stock' })
  onOrderCancelled(event: EventOf<typeof PedidoCancelado>, tx: SqlTransaction): Promise<void> {
    return this.release(event, tx, event.data.reason === 'PAYMENT_REJECTED' ? 'PAYMENT_REJECTED' : 'ORDER_CANCELLED');
  }

  private async release(
    event: EventOf<typeof PagamentoRejeitado> | EventOf<typeof PedidoCancelado>,
    tx: SqlTransaction,
    reason: 'PAYMENT_REJECTED' | 'ORDER_CANCELLED',
  ): Promise<void> {
    const { orderId } = event.data;
    const reservation = await this.reservations.lock(tx, orderId);
    if (reservation?.status !== 'HELD') return;
    await this.products.lockStock(
      tx,
      reservation.lines.map((line) => line.sku),
    );
    const changes = reservation.lines.map((line) => ({ sku: line.sku, delta: line.quantity }));
    for (const product of await this.products.adjustStockMany(tx, changes)) {
      this.changes.announce(tx, product, { causedBy: event });
    }
    await this.reservations.setStatus(tx, orderId, 'RELEASED');
    await this.outbox.add(tx, EstoqueLiberado, { orderId, lines: reservation.lines, reason }, { causedBy: event });
  }
}
