import { Injectable } from '@nestjs/common';
import {
  EstoqueLiberado,
  type DataOf,
  type EventOf,
  type PagamentoRejeitado,
  type PedidoCancelado,
} from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import { StockLedger } from '../../products/stock-ledger.service';
import { ReservationRepository } from '../reservation.repository';
import { holdsStock } from '../stock-plan';

export type ReleaseReason = DataOf<typeof EstoqueLiberado>['reason'];

/**
 * Compensation: the stock an order took goes back on the shelf, exactly once: held stock (both
 * PagamentoRejeitado and PedidoCancelado arrive for a rejected payment; the first one releases, the
 * second finds the reservation RELEASED and does nothing), and the stock of a paid order its customer
 * cancelled (COMMITTED). An order cancelled before its PedidoCriado reached Inventory gets a RELEASED
 * reservation of nothing, so that PedidoCriado, when it comes, reserves nothing.
 */
@Injectable()
export class ReleaseStockService {
  constructor(
    private readonly stock: StockLedger,
    private readonly reservations: ReservationRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(
    tx: SqlTransaction,
    cause: EventOf<typeof PagamentoRejeitado> | EventOf<typeof PedidoCancelado>,
    reason: ReleaseReason,
  ): Promise<void> {
    const { orderId } = cause.data;
    const reservation = await this.reservations.lock(tx, orderId);
    if (!reservation) {
      this.reservations.create(tx, orderId, 'RELEASED', []);
      return;
    }
    if (!holdsStock(reservation.status)) return;
    await this.stock.available(
      tx,
      reservation.lines.map((line) => line.sku),
    );
    const givenBack = reservation.lines.map((line) => ({ sku: line.sku, delta: line.quantity }));
    this.stock.adjust(tx, givenBack);
    this.reservations.setStatus(tx, reservation, 'RELEASED');
    await this.outbox.add(tx, EstoqueLiberado, { orderId, lines: reservation.lines, reason }, { causedBy: cause });
  }
}
