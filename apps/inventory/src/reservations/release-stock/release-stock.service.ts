import { Injectable } from '@nestjs/common';
import {
  EstoqueLiberado,
  type DataOf,
  type EventOf,
  type PagamentoRejeitado,
  type PedidoCancelado,
} from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import { ProductChanges } from '../../products/product-changes';
import { ProductRepository } from '../../products/product.repository';
import { ReservationRepository } from '../reservation.repository';

export type ReleaseReason = DataOf<typeof EstoqueLiberado>['reason'];

/**
 * Compensation: a held reservation goes back to stock, exactly once (both PagamentoRejeitado and
 * PedidoCancelado arrive for a rejected payment; the first one releases, the second finds the
 * reservation RELEASED and does nothing).
 */
@Injectable()
export class ReleaseStockService {
  constructor(
    private readonly products: ProductRepository,
    private readonly reservations: ReservationRepository,
    private readonly changes: ProductChanges,
    private readonly outbox: OutboxService,
  ) {}

  async execute(
    tx: SqlTransaction,
    cause: EventOf<typeof PagamentoRejeitado> | EventOf<typeof PedidoCancelado>,
    reason: ReleaseReason,
  ): Promise<void> {
    const { orderId } = cause.data;
    const reservation = await this.reservations.lock(tx, orderId);
    if (reservation?.status !== 'HELD') return;
    await this.products.lockStock(
      tx,
      reservation.lines.map((line) => line.sku),
    );
    const changes = reservation.lines.map((line) => ({ sku: line.sku, delta: line.quantity }));
    for (const product of await this.products.adjustStockMany(tx, changes)) {
      this.changes.announce(tx, product, { causedBy: cause });
    }
    await this.reservations.setStatus(tx, orderId, 'RELEASED');
    await this.outbox.add(tx, EstoqueLiberado, { orderId, lines: reservation.lines, reason }, { causedBy: cause });
  }
}
