import { Injectable } from '@nestjs/common';
import { PedidoCancelado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { RefundPaymentService } from './refund-payment.service';

/** PedidoCancelado by the customer → refund the payment (PagamentoEstornado) or never charge (PagamentoCancelado). */
@Injectable()
export class RefundPaymentOnPedidoCancelado {
  constructor(private readonly refundPayment: RefundPaymentService) {}

  @HandleEvent(PedidoCancelado, { queue: 'payments.refund-payment' })
  handle(event: EventOf<typeof PedidoCancelado>, tx: SqlTransaction): Promise<void> {
    return this.refundPayment.execute(tx, event);
  }
}
