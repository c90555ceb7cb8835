import { Injectable } from '@nestjs/common';
import { EstoqueReservado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { ChargeOrderService } from './charge-order.service';

/** EstoqueReservado → charge the order once and announce the outcome. */
@Injectable()
export class ChargeOrderOnEstoqueReservado {
  constructor(private readonly chargeOrder: ChargeOrderService) {}

  @HandleEvent(EstoqueReservado, { queue: 'payments.charge-order' })
  handle(event: EventOf<typeof EstoqueReservado>, tx: SqlTransaction): Promise<void> {
    return this.chargeOrder.execute(tx, event);
  }
}
