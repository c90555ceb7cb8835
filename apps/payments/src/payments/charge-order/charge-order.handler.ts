import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { EstoqueReservado, PagamentoAprovado, PagamentoRejeitado, type EventOf } from '@loja/contracts';
import { HandleEvent, OutboxService } from '@loja/messaging';
import type { Tx } from '../../prisma/prisma.service';
import { SimulatedGateway } from '../gateway/simulated-gateway';
import { PaymentIntentRepository } from '../payment-intent.repository';
import { PaymentRepository } from '../payment.repository';

/** EstoqueReservado arrived before PedidoCriado was recorded: retried with backoff until it is. */
export class PaymentDetailsNotYetKnownError extends Error {
  override readonly name = 'PaymentDetailsNotYetKnownError';
}

/**
 * EstoqueReservado → charge the order exactly once and announce the outcome. The intent row is locked
 * first, so two deliveries for the same order (redelivered, or published twice under different ids)
 * are decided one after the other and the second finds the payment; payment.order_id is unique as
 * well. A GatewayUnavailableError rolls everything back and the message is retried (then DLQ).
 */
@Injectable()
export class ChargeOrderOnEstoqueReservado {
  private readonly logger = new Logger(ChargeOrderOnEstoqueReservado.name);

  constructor(
    private readonly intents: PaymentIntentRepository,
    private readonly payments: PaymentRepository,
    private readonly gateway: SimulatedGateway,
    private readonly outbox: OutboxService,
  ) {}

  @HandleEvent(EstoqueReservado, { queue: 'payments.charge-order', externalEffects: true })
  async handle(event: EventOf<typeof EstoqueReservado>, tx: Tx): Promise<void> {
    const { orderId } = event.data;
    const intent = await this.intents.lock(tx, orderId);
    if (!intent) throw new PaymentDetailsNotYetKnownError(`no payment details for order ${orderId} yet`);
    if (await this.payments.existsForOrder(tx, orderId)) {
      this.logger.log({ msg: 'order already charged', orderId, eventId: event.id });
      return;
    }

    const result = this.gateway.charge(intent);
    const paymentId = randomUUID();
    const { amountCents, currency } = intent;
    if (result.status === 'APPROVED') {
      const { authorizationCode } = result;
      await this.payments.create(tx, {
        id: paymentId,
        orderId,
        amountCents,
        currency,
        status: 'APPROVED',
        reason: null,
        authorizationCode,
      });
      await this.outbox.add(
        tx,
        PagamentoAprovado,
        { orderId, paymentId, amountCents, currency, authorizationCode },
        { causedBy: event },
      );
    } else {
      const { reason } = result;
      await this.payments.create(tx, {
        id: paymentId,
        orderId,
        amountCents,
        currency,
        status: 'REJECTED',
        reason,
        authorizationCode: null,
      });
      await this.outbox.add(
        tx,
        PagamentoRejeitado,
        { orderId, paymentId, amountCents, currency, reason },
        { causedBy: event },
      );
    }
    this.logger.log({ msg: 'order charged', orderId, eventId: event.id, paymentId, ...result });
  }
}
