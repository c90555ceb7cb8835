import { Injectable } from '@nestjs/common';
import { EstoqueIndisponivel, EstoqueReservado, type EventOf, type PedidoCriado } from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import { ProductChanges } from '../../products/product-changes';
import { ProductRepository } from '../../products/product.repository';
import { ReservationRepository } from '../reservation.repository';
import { planReservation } from '../stock-plan';

/**
 * Reserves every line of an order or none. The product rows are locked (in SKU order) for the whole
 * transaction, so concurrent orders for the same SKU, in this process or another inventory replica,
 * are decided one after the other and stock can never be oversold. One decision per order, even if
 * the order was published twice under different event ids.
 */
@Injectable()
export class ReserveStockService {
  constructor(
    private readonly products: ProductRepository,
    private readonly reservations: ReservationRepository,
    private readonly changes: ProductChanges,
    private readonly outbox: OutboxService,
  ) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof PedidoCriado>): Promise<void> {
    const { orderId, lines } = cause.data;
    if (await this.reservations.lock(tx, orderId)) return;

    const available = await this.products.lockStock(
      tx,
      lines.map((line) => line.sku),
    );
    const plan = planReservation(lines, available);
    if (plan.kind === 'unavailable') {
      await this.reservations.create(tx, orderId, 'REJECTED', []);
      await this.outbox.add(tx, EstoqueIndisponivel, { orderId, missing: plan.missing }, { causedBy: cause });
      return;
    }
    const changes = plan.lines.map((line) => ({ sku: line.sku, delta: -line.quantity }));
    for (const product of await this.products.adjustStockMany(tx, changes)) {
      this.changes.announce(tx, product, { causedBy: cause });
    }
    await this.reservations.create(tx, orderId, 'HELD', plan.lines);
    await this.outbox.add(tx, EstoqueReservado, { orderId, lines: plan.lines }, { causedBy: cause });
  }
}
