import { Injectable } from '@nestjs/common';
import { PagamentoEstornado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { EmailCustomerService } from './email-customer.service';

/** PagamentoEstornado → "your order was cancelled as you asked, and the payment was refunded". */
@Injectable()
export class EmailCustomerOnPagamentoEstornado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PagamentoEstornado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof PagamentoEstornado>, tx: SqlTransaction): Promise<void> {
    const { orderId, amountCents } = event.data;
    await this.emailCustomer.execute(tx, event, orderId, {
      notice: 'cancelled',
      reason: 'CUSTOMER_CANCELLED',
      refundedCents: amountCents,
    });
  }
}
