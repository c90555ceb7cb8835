import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { PagamentoAprovado, PedidoEmPreparo, type EventOf } from '@loja/contracts';
import { HandleEvent, OutboxService } from '@loja/messaging';
import { LOGISTICS_CONFIG, type LogisticsConfig } from '../../config/logistics.config';
import type { Tx } from '../../prisma/prisma.service';
import { ShipmentRepository } from '../shipment.repository';
import { ShippingDetailsRepository } from '../shipping-details.repository';

/** PagamentoAprovado arrived before PedidoCriado was recorded: retried with backoff until it is. */
export class ShippingDetailsNotYetKnownError extends Error {
  override readonly name = 'ShippingDetailsNotYetKnownError';
}

/**
 * PagamentoAprovado → one shipment per order, PREPARING until SHIPPING_DELAY_MS has passed, and
 * PedidoEmPreparo. The details row is locked first, so two payments announced for the same order are
 * decided one after the other; shipment.order_id is unique as well. The dispatcher ships it when due.
 */
@Injectable()
export class PrepareShipmentOnPagamentoAprovado {
  private readonly logger = new Logger(PrepareShipmentOnPagamentoAprovado.name);

  constructor(
    private readonly details: ShippingDetailsRepository,
    private readonly shipments: ShipmentRepository,
    private readonly outbox: OutboxService,
    @Inject(LOGISTICS_CONFIG) private readonly config: LogisticsConfig,
  ) {}

  @HandleEvent(PagamentoAprovado, { queue: 'logistics.prepare-shipment' })
  async handle(event: EventOf<typeof PagamentoAprovado>, tx: Tx): Promise<void> {
    const { orderId } = event.data;
    if (!(await this.details.lock(tx, orderId))) {
      throw new ShippingDetailsNotYetKnownError(`no shipping details for order ${orderId} yet`);
    }
    if (await this.shipments.existsForOrder(tx, orderId)) {
      this.logger.log({ msg: 'shipment already prepared', orderId, eventId: event.id });
      return;
    }
    const shipmentId = randomUUID();
    const prepared = await this.outbox.add(tx, PedidoEmPreparo, { orderId, shipmentId }, { causedBy: event });
    const shipment = await this.shipments.create(tx, {
      id: shipmentId,
      orderId,
      delayMs: this.config.SHIPPING_DELAY_MS,
      causationEventId: event.id,
      preparedEventId: prepared.id,
    });
    this.logger.log({
      msg: 'shipment prepared',
      orderId,
      eventId: event.id,
      shipmentId,
      shipAfter: shipment.shipAfter.toISOString(),
    });
  }
}
