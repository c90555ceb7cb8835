import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { PagamentoAprovado, PagamentoRejeitado, type EventOf, type EstoqueReservado } from '@loja/contracts';
import { broughtEarlier, nothingToDo, OutboxService, type SqlTransaction } from '@loja/messaging';
import { SimulatedGateway } from '../gateway/simulated-gateway';
import { PaymentIntentRepository } from '../payment-intent.repository';
import { PaymentRepository } from '../payment.repository';

/**
 * Charges a reserved order exactly once and announces the outcome. The intent row is locked first, so
 * two deliveries for the same order (redelivered, or published twice under different ids) are decided
 * one after the other and the second finds the payment; payment.order_id is unique as well. The
 * gateway is called with the order id as idempotency key: a transaction rolled back after the call
 * (a sibling in its batch failed) and run again gets the same answer, never a second charge. A
 * gateway that does not answer (DependencyUnavailableError) rolls everything back and the message is
 * retried (then DLQ).
 */
@Injectable()
export class ChargeOrderService {
  private readonly logger = new Logger(ChargeOrderService.name);

  constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly payments: PaymentRepository,
    private readonly gateway: SimulatedGateway,
    private readonly outbox: OutboxService,
  ) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof EstoqueReservado>): Promise<void> {
    const { orderId } = cause.data;
    // EstoqueReservado may come before PedidoCriado was handled here: retried with backoff until it is.
    const intent = broughtEarlier(await this.intents.lock(tx, orderId), `payment details for order ${orderId}`);
    const skip = nothingToDo(this.logger, cause, [
      [intent.charged, 'order already charged'],
      // The customer cancelled the order before its stock reservation reached Payments: never charge it.
      [intent.cancelled, 'order cancelled by its customer, not charged'],
    ]);
    if (skip) return;

    const result = this.gateway.charge(intent, orderId);
    const { amountCents, currency } = intent;
    const approved = result.status === 'APPROVED';
    const payment = {
      id: randomUUID(),
      orderId,
      amountCents,
      currency,
      status: result.status,
      reason: approved ? null : result.reason,
      authorizationCode: approved ? result.authorizationCode : null,
    };
    this.payments.record(tx, payment);
    intent.charged = true; // a second event for the order in this transaction finds it charged
    const announced = { orderId, paymentId: payment.id, amountCents, currency };
    if (approved) {
      await this.outbox.add(
        tx,
        PagamentoAprovado,
        { ...announced, authorizationCode: result.authorizationCode },
        { causedBy: cause },
      );
    } else {
      await this.outbox.add(tx, PagamentoRejeitado, { ...announced, reason: result.reason }, { causedBy: cause });
    }
    this.logger.debug({ msg: 'order charged', orderId, eventId: cause.id, paymentId: payment.id, ...result });
  }
}
