import { Injectable, Logger } from '@nestjs/common';
import { PedidoEnviado } from '@loja/contracts';
import { OutboxService, Tracing, type SqlTransaction } from '@loja/messaging';
import { ShipmentRepository, type DueShipment } from '../shipment.repository';
import { CARRIER, trackingCodeFor } from '../tracking-code';

/**
 * Ships one PREPARING shipment: SHIPPED with carrier and tracking code, and PedidoEnviado, in the
 * caller's transaction. Used by the dispatcher for shipments that fell due, and by PrepareShipment
 * when nothing delays shipping (SHIPPING_DELAY_MS=0): then the parcel leaves in the transaction that
 * prepared it, with no second transaction and no wake-up of the dispatcher.
 */
@Injectable()
export class ShipShipmentService {
  private readonly logger = new Logger(ShipShipmentService.name);

  constructor(
    private readonly shipments: ShipmentRepository,
    private readonly outbox: OutboxService,
    private readonly tracing: Tracing,
  ) {}

  /**
   * In the trace of the payment that prepared the shipment, whenever and wherever it is shipped (a
   * span of its own, child of the one kept with the row): PedidoEnviado continues the order's trace.
   */
  execute(tx: SqlTransaction, shipment: DueShipment): Promise<void> {
    return this.tracing.continueTrace(shipment.traceparent, 'ship shipment', () => this.ship(tx, shipment), {
      'loja.order.id': shipment.orderId,
    });
  }

  private async ship(tx: SqlTransaction, shipment: DueShipment): Promise<void> {
    const shipped = { carrier: CARRIER, trackingCode: trackingCodeFor(shipment.number), shippedAt: new Date() };
    this.shipments.markShipped(tx, shipment.id, shipped);
    await this.outbox.add(
      tx,
      PedidoEnviado,
      {
        orderId: shipment.orderId,
        shipmentId: shipment.id,
        carrier: shipped.carrier,
        trackingCode: shipped.trackingCode,
        shippedAt: shipped.shippedAt.toISOString(),
      },
      { correlationId: shipment.orderId, causationId: shipment.preparedEventId },
    );
    this.logger.debug({
      msg: 'shipment shipped',
      orderId: shipment.orderId,
      shipmentId: shipment.id,
      trackingCode: shipped.trackingCode,
    });
  }
}
