import { Injectable, Logger } from '@nestjs/common';
import { PagamentoAprovado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { ReservationRepository } from '../reservation.repository';

/**
 * PagamentoAprovado → the held stock leaves for good (documented choice: stock is decremented for
 * good when the order is paid). From then on a cancellation no longer gives it back.
 */
@Injectable()
export class CommitStockOnPagamentoAprovado {
  private readonly logger = new Logger(CommitStockOnPagamentoAprovado.name);

  constructor(private readonly reservations: ReservationRepository) {}

  @HandleEvent(PagamentoAprovado, { queue: 'inventory.commit-stock' })
  async handle(event: EventOf<typeof PagamentoAprovado>, tx: SqlTransaction): Promise<void> {
    const reservation = await this.reservations.lock(tx, event.data.orderId);
    if (reservation?.status === 'HELD') {
      await this.reservations.setStatus(tx, event.data.orderId, 'COMMITTED');
      return;
    }
    this.logger.warn({
      msg: 'payment for an order without held stock',
      orderId: event.data.orderId,
      status: reservation?.status ?? 'none',
    });
  }
}
