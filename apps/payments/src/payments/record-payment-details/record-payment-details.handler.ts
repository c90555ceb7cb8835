import { Injectable } from '@nestjs/common';
import { PedidoCriado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { PaymentIntentRepository } from '../payment-intent.repository';

/** PedidoCriado → keep what the order will be charged, until its stock is reserved. Once per order. */
@Injectable()
export class RecordPaymentDetailsOnPedidoCriado {
  constructor(private readonly intents: PaymentIntentRepository) {}

  @HandleEvent(PedidoCriado, { queue: 'payments.record-payment-details' })
  async handle(event: EventOf<typeof PedidoCriado>, tx: SqlTransaction): Promise<void> {
    const { orderId, totalCents, currency, payment, customer } = event.data;
    this.intents.record(tx, {
      orderId,
      amountCents: totalCents,
      currency,
      cardToken: payment.cardToken,
      customerId: customer.id,
    });
  }
}
