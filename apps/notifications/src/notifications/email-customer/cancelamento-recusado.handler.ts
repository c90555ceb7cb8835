import { Injectable } from '@nestjs/common';
import { CancelamentoRecusado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { EmailCustomerService } from './email-customer.service';

/** CancelamentoRecusado → "we could not cancel: your order had already left", with the tracking code. */
@Injectable()
export class EmailCustomerOnCancelamentoRecusado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(CancelamentoRecusado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof CancelamentoRecusado>, tx: SqlTransaction): Promise<void> {
    const { orderId, trackingCode } = event.data;
    await this.emailCustomer.execute(tx, event, orderId, { notice: 'cancellation_refused', trackingCode });
  }
}
