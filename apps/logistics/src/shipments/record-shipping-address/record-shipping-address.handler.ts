import { Injectable, Logger } from '@nestjs/common';
import { PedidoCriado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { ShippingDetailsRepository } from '../shipping-details.repository';

/** PedidoCriado → keep where the order goes and what is in it, until it is paid. Once per order. */
@Injectable()
export class RecordShippingAddressOnPedidoCriado {
  private readonly logger = new Logger(RecordShippingAddressOnPedidoCriado.name);

  constructor(private readonly details: ShippingDetailsRepository) {}

  @HandleEvent(PedidoCriado, { queue: 'logistics.record-shipping-address' })
  async handle(event: EventOf<typeof PedidoCriado>, tx: SqlTransaction): Promise<void> {
    const { orderId, shippingAddress, lines } = event.data;
    const recorded = await this.details.record(tx, {
      orderId,
      shippingAddress,
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
    });
    if (!recorded) this.logger.log({ msg: 'shipping details already recorded', orderId, eventId: event.id });
  }
}
