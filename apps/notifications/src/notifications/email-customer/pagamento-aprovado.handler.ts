import { Injectable } from '@nestjs/common';
import { PagamentoAprovado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { EmailCustomerService } from './email-customer.service';

/** PagamentoAprovado → "your payment was approved". */
@Injectable()
export class EmailCustomerOnPagamentoAprovado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PagamentoAprovado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof PagamentoAprovado>, tx: SqlTransaction): Promise<void> {
    const { orderId, amountCents } = event.data;
    await this.emailCustomer.execute(tx, event, orderId, { notice: 'paid', amountCents });
  }
}
