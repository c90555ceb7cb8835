import { Injectable, Logger } from '@nestjs/common';
import type { EventOf, PagamentoAprovado } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import { ReservationRepository } from '../reservation.repository';

/**
 * The held stock of a paid order leaves for good (documented choice: stock is decremented for good
 * when the order is paid). From then on a cancellation no longer gives it back.
 */
@Injectable()
export class CommitStockService {
  private readonly logger = new Logger(CommitStockService.name);

  constructor(private readonly reservations: ReservationRepository) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof PagamentoAprovado>): Promise<void> {
    const { orderId } = cause.data;
    const reservation = await this.reservations.lock(tx, orderId);
    if (reservation?.status === 'HELD') {
      this.reservations.setStatus(tx, reservation, 'COMMITTED');
      return;
    }
    this.logger.warn({
      msg: 'payment for an order without held stock',
      orderId,
      status: reservation?.status ?? 'none',
    });
  }
}
