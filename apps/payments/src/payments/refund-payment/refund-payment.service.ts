import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { PagamentoCancelado, PagamentoEstornado, type EventOf, type PedidoCancelado } from '@loja/contracts';
import { broughtEarlier, nothingToDo, OutboxService, type SqlTransaction } from '@loja/messaging';
import { SimulatedGateway } from '../gateway/simulated-gateway';
import { PaymentIntentRepository } from '../payment-intent.repository';
import { PaymentRepository } from '../payment.repository';

/**
 * Settles a customer-cancelled order exactly once: an approved payment is refunded through the gateway
 * (PagamentoEstornado), otherwise the order is marked never to be charged (PagamentoCancelado). The
 * intent row is locked first, as the charge locks it, so a charge and a cancellation of one order are
 * decided one after the other: either the charge comes first and is refunded here, or this comes first
 * and the charge finds the order cancelled. The gateway is called with the order id as idempotency key,
 * so a transaction rolled back after the refund and run again refunds nothing more; an unavailable
 * gateway (DependencyUnavailableError) rolls back and the message is retried (then DLQ).
 * Cancellations by the saga itself (out of stock, payment rejected) never leave a payment to refund.
 */
@Injectable()
export class RefundPaymentService {
  private readonly logger = new Logger(RefundPaymentService.name);

  constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly payments: PaymentRepository,
    private readonly gateway: SimulatedGateway,
    private readonly outbox: OutboxService,
  ) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof PedidoCancelado>): Promise<void> {
    const { orderId, reason } = cause.data;
    if (reason !== 'CUSTOMER_CANCELLED') return;
    // Cancelled before PedidoCriado was handled here: retried with backoff until it is.
    const intent = broughtEarlier(await this.intents.lock(tx, orderId), `payment details for order ${orderId}`);
    if (nothingToDo(this.logger, cause, [[intent.cancelled, 'cancellation already settled']])) return;

    const payment = intent.payment;
    if (payment?.status === 'APPROVED' && !payment.refunded) {
      const refund = this.gateway.refund(intent, orderId);
      const refundId = randomUUID();
      await this.payments.recordRefund(tx, payment.id, { id: refundId, code: refund.refundCode });
      await this.intents.markCancelled(tx, intent);
      await this.outbox.add(
        tx,
        PagamentoEstornado,
        { orderId, paymentId: payment.id, refundId, amountCents: intent.amountCents, currency: intent.currency },
        { causedBy: cause },
      );
      this.logger.log({ msg: 'payment refunded', orderId, eventId: cause.id, paymentId: payment.id });
      return;
    }
    await this.intents.markCancelled(tx, intent);
    await this.outbox.add(tx, PagamentoCancelado, { orderId }, { causedBy: cause });
    this.logger.log({ msg: 'order will not be charged', orderId, eventId: cause.id });
  }
}
