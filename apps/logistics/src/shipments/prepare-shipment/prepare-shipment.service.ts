import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PedidoEmPreparo, type EventOf, type PagamentoAprovado } from '@loja/contracts';
import { broughtEarlier, nothingToDo, OutboxService, Tracing, type SqlTransaction } from '@loja/messaging';
import { LOGISTICS_CONFIG, type LogisticsConfig } from '../../config/logistics.config';
import { ShipmentDispatcher } from '../dispatch-shipments/shipment-dispatcher.service';
import { ShipShipmentService } from '../ship-shipment/ship-shipment.service';
import { ShipmentRepository, type NewShipment } from '../shipment.repository';
import { ShippingDetailsRepository } from '../shipping-details.repository';

/**
 * One shipment per paid order, PREPARING until SHIPPING_DELAY_MS has passed, and PedidoEmPreparo. The
 * details row is locked first, so two payments announced for the same order are decided one after the
 * other; shipment.order_id is unique as well. With no delay it is shipped here, in the same
 * transaction; otherwise, once the transaction commits, this process's dispatcher sets a timer for its
 * due time (and the sweep of any replica ships it, should this process stop first).
 *
 * Set-based per transaction: the shipments of a batch are created in one statement just before
 * COMMIT (their numbers, hence tracking codes, come from it), those nothing delays are shipped right
 * then, and the others get one timer per distinct due time.
 */
@Injectable()
export class PrepareShipmentService {
  private readonly logger = new Logger(PrepareShipmentService.name);

  constructor(
    private readonly details: ShippingDetailsRepository,
    private readonly shipments: ShipmentRepository,
    private readonly shipShipment: ShipShipmentService,
    private readonly dispatcher: ShipmentDispatcher,
    private readonly outbox: OutboxService,
    private readonly tracing: Tracing,
    @Inject(LOGISTICS_CONFIG) private readonly config: LogisticsConfig,
  ) {}

  async execute(tx: SqlTransaction, cause: EventOf<typeof PagamentoAprovado>): Promise<void> {
    const { orderId } = cause.data;
    // PagamentoAprovado may come before PedidoCriado was handled here: retried with backoff until it is.
    const details = broughtEarlier(await this.details.lock(tx, orderId), `shipping details for order ${orderId}`);
    const skip = nothingToDo(this.logger, cause, [
      [details.shipmentPrepared, 'shipment already prepared'],
      // The customer cancelled before the payment reached Logistics: never ship it (Payments refunds).
      [details.cancelled, 'order cancelled before it was paid, no shipment'],
    ]);
    if (skip) return;
    details.shipmentPrepared = true; // a second payment of the order in this transaction finds it prepared
    const shipmentId = randomUUID();
    const prepared = await this.outbox.add(tx, PedidoEmPreparo, { orderId, shipmentId }, { causedBy: cause });
    const delayMs = this.config.SHIPPING_DELAY_MS;
    const shipment = {
      id: shipmentId,
      orderId,
      delayMs,
      causationEventId: cause.id,
      preparedEventId: prepared.id,
      traceparent: this.tracing.activeTraceparent(),
    };
    tx.writeBeforeCommit(PREPARED_SHIPMENTS, shipment, (all) => this.create(tx, all));
    this.logger.debug({ msg: 'shipment prepared', orderId, eventId: cause.id, shipmentId, delayMs });
  }

  private async create(tx: SqlTransaction, shipments: NewShipment[]): Promise<void> {
    const created = await this.shipments.createMany(tx, shipments);
    const dueTimes = new Set<number>();
    for (const shipment of shipments) {
      const { number, shipAfter } = created.get(shipment.id)!;
      if (shipment.delayMs > 0) {
        dueTimes.add(shipAfter.getTime());
        continue;
      }
      await this.shipShipment.execute(tx, {
        id: shipment.id,
        orderId: shipment.orderId,
        number,
        preparedEventId: shipment.preparedEventId,
        traceparent: shipment.traceparent,
      });
    }
    if (dueTimes.size) {
      tx.afterCommit(() => {
        for (const dueTime of dueTimes) this.dispatcher.dispatchAt(new Date(dueTime));
      });
    }
  }
}

const PREPARED_SHIPMENTS = 'logistics.prepared-shipments';
