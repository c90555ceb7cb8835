import { Injectable } from '@nestjs/common';
import { PagamentoRejeitado, PedidoCancelado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { ReleaseStockService } from './release-stock.service';

const queue = 'inventory.release-stock';

/** PagamentoRejeitado, or PedidoCancelado while stock is held → the reservation goes back to stock. */
@Injectable()
export class ReleaseStockOnCompensation {
  constructor(private readonly releaseStock: ReleaseStockService) {}

  @HandleEvent(PagamentoRejeitado, { queue })
  onPaymentRejected(event: EventOf<typeof PagamentoRejeitado>, tx: SqlTransaction): Promise<void> {
    return this.releaseStock.execute(tx, event, 'PAYMENT_REJECTED');
  }

  @HandleEvent(PedidoCancelado, { queue })
  onOrderCancelled(event: EventOf<typeof PedidoCancelado>, tx: SqlTransaction): Promise<void> {
    const reason = event.data.reason === 'PAYMENT_REJECTED' ? 'PAYMENT_REJECTED' : 'ORDER_CANCELLED';
    return this.releaseStock.execute(tx, event, reason);
  }
}
