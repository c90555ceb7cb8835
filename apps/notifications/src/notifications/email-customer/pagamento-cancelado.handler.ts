import { Injectable } from '@nestjs/common';
import { PagamentoCancelado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { EmailCustomerService } from './email-customer.service';

/** PagamentoCancelado → "your order was cancelled as you asked; nothing was charged". */
@Injectable()
export class EmailCustomerOnPagamentoCancelado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PagamentoCancelado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof PagamentoCancelado>, tx: SqlTransaction): Promise<void> {
    await this.emailCustomer.execute(tx, event, event.data.orderId, {
      notice: 'cancelled',
      reason: 'CUSTOMER_CANCELLED',
    });
  }
}
