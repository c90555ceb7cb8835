import { Injectable } from '@nestjs/common';
import { PedidoCriado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { EmailCustomerService } from './email-customer.service';

/** PedidoCriado → remember whom to write to about the order, then "we received your order". */
@Injectable()
export class EmailCustomerOnPedidoCriado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PedidoCriado, { queue: 'notifications.email-customer' })
  async handle(event: EventOf<typeof PedidoCriado>, tx: SqlTransaction): Promise<void> {
    const { orderId, customer, lines, totalCents } = event.data;
    await this.emailCustomer.rememberContact(tx, { orderId, customerName: customer.name, email: customer.email });
    await this.emailCustomer.execute(tx, event, orderId, { notice: 'received', lines, totalCents });
  }
}
