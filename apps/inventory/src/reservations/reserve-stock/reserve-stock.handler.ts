import { Injectable } from '@nestjs/common';
import { PedidoCriado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { ReserveStockService } from './reserve-stock.service';

/** PedidoCriado → reserve every line or none, and announce which (EstoqueReservado or EstoqueIndisponivel). */
@Injectable()
export class ReserveStockOnPedidoCriado {
  constructor(private readonly reserveStock: ReserveStockService) {}

  @HandleEvent(PedidoCriado, { queue: 'inventory.reserve-stock' })
  handle(event: EventOf<typeof PedidoCriado>, tx: SqlTransaction): Promise<void> {
    return this.reserveStock.execute(tx, event);
  }
}
