import { Injectable } from '@nestjs/common';
import { EstoqueIndisponivel, EstoqueReservado, type EventOf, type PedidoCriado } from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import { StockLedger } from '../../products/stock-ledger.service';
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
    private readonly stock: StockLedger,
    private readonly reservations: ReservationRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof PedidoCriado>): Promise<void> {
    const { orderId, lines } = cause.data;
    if (await this.reservations.lock(tx, orderId)) return;

    const available = await this.stock.available(
      tx,
      lines.map((line) => line.sku),
    );
    const plan = planReservation(lines, available);
    if (plan.kind === 'unavailable') {
      this.reservations.create(tx, orderId, 'REJECTED', []);
      await this.outbox.add(tx, EstoqueIndisponivel, { orderId, missing: plan.missing }, { causedBy: cause });
      return;
    }
    const taken = plan.lines.map((line) => ({ sku: line.sku, delta: -line.quantity }));
    this.stock.adjust(tx, taken);
    this.reservations.create(tx, orderId, 'HELD', plan.lines);
    await this.outbox.add(tx, EstoqueReservado, { orderId, lines: plan.lines }, { causedBy: cause });
  }
}
