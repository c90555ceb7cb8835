import { Injectable } from '@nestjs/common';
import { PedidoCancelado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { announcesCancellation } from '../../notices/notice';
import { EmailCustomerService } from './email-customer.service';

/**
 * PedidoCancelado → "your order was cancelled", with the reason in plain words. A customer's own
 * cancellation is told once Payments settled it (PagamentoEstornado, PagamentoCancelado handlers).
 */
@Injectable()
export class EmailCustomerOnPedidoCancelado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PedidoCancelado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof PedidoCancelado>, tx: SqlTransaction): Promise<void> {
    const { orderId, reason } = event.data;
    if (!announcesCancellation(reason)) return;
    await this.emailCustomer.execute(tx, event, orderId, { notice: 'cancelled', reason });
  }
}
