import { Injectable } from '@nestjs/common';
import { PedidoEnviado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { EmailCustomerService } from './email-customer.service';

/** PedidoEnviado → "your order is on its way", with the carrier and the tracking code. */
@Injectable()
export class EmailCustomerOnPedidoEnviado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PedidoEnviado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof PedidoEnviado>, tx: SqlTransaction): Promise<void> {
    const { orderId, carrier, trackingCode } = event.data;
    await this.emailCustomer.execute(tx, event, orderId, { notice: 'shipped', carrier, trackingCode });
  }
}
