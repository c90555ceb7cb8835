import { Injectable, Logger } from '@nestjs/common';
import type { EventOf, PagamentoAprovado } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import { ReservationRepository } from '../reservation.repository';

/**
 * The held stock of a paid order is taken (documented choice: stock is decremented when the order is
 * paid). Only the customer's cancellation, accepted before the parcel leaves, puts it back on the shelf
 * (ReleaseStockService). A payment that arrives after the order was cancelled finds it RELEASED.
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
