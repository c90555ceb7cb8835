import { Injectable, Logger } from '@nestjs/common';
import { CancelamentoAceito, CancelamentoRecusado, type CancelamentoSolicitado, type EventOf } from '@loja/contracts';
import { broughtEarlier, OutboxService, type SqlTransaction } from '@loja/messaging';
import { decideCancellation } from '../cancellation-decision';
import { ShipmentRepository } from '../shipment.repository';
import { ShippingDetailsRepository } from '../shipping-details.repository';

/**
 * Decides a customer's cancellation against the shipment, in one transaction that holds the order's
 * details row (so no shipment is prepared meanwhile) and its shipment row (so no dispatcher ships it
 * meanwhile; one that is shipping it right now finishes first, and the cancellation is then refused).
 * The decision is remembered on the details: a payment that reaches Logistics later prepares nothing,
 * and a second request for the order changes nothing.
 */
@Injectable()
export class DecideCancellationService {
  private readonly logger = new Logger(DecideCancellationService.name);

  constructor(
    private readonly details: ShippingDetailsRepository,
    private readonly shipments: ShipmentRepository,
    private readonly outbox: OutboxService,
  ) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof CancelamentoSolicitado>): Promise<void> {
    const { orderId } = cause.data;
    // Requested before PedidoCriado was handled here: retried with backoff until it is.
    const details = broughtEarlier(
      await this.details.lockForDecision(tx, orderId),
      `shipping details for order ${orderId}`,
    );
    const shipment = details.decided ? undefined : await this.shipments.lockByOrder(tx, orderId);
    const decision = decideCancellation(details.decided, shipment);
    switch (decision.kind) {
      case 'already-decided':
        this.logger.log({ msg: 'cancellation already decided', orderId, eventId: cause.id });
        return;
      case 'refuse':
        await this.details.recordDecision(tx, orderId, 'REFUSED');
        await this.outbox.add(
          tx,
          CancelamentoRecusado,
          { orderId, reason: 'ALREADY_SHIPPED', trackingCode: decision.trackingCode },
          { causedBy: cause },
        );
        break;
      case 'accept':
        if (decision.stopShipmentId) await this.shipments.markCancelled(tx, decision.stopShipmentId);
        await this.details.recordDecision(tx, orderId, 'ACCEPTED');
        await this.outbox.add(
          tx,
          CancelamentoAceito,
          { orderId, stoppedShipmentId: decision.stopShipmentId },
          { causedBy: cause },
        );
        break;
    }
    this.logger.log({ msg: 'cancellation decided', orderId, eventId: cause.id, decision: decision.kind });
  }
}
