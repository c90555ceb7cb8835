import { Injectable } from '@nestjs/common';
import { PagamentoAprovado, type EventOf } from '@loja/contracts';
import { HandleEvent } from '@loja/messaging';
import type { Tx } from '../../prisma/prisma.service';
import { EmailCustomerService } from './email-customer.service';

/** PagamentoAprovado → "your payment was approved". */
@Injectable()
export class EmailCustomerOnPagamentoAprovado {
  constructor(private readonly emailCustomer: EmailCustomerService) {}

  @HandleEvent(PagamentoAprovado, { queue: 'notifications.email-customer', externalEffects: true })
  async handle(event: EventOf<typeof PagamentoAprovado>, tx: Tx): Promise<void> {
    const { orderId, amountCents } = event.data;
    await this.emailCustomer.execute(tx, event, orderId, { notice: 'paid', amountCents });
  }
}
