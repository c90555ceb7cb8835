import { Injectable } from '@nestjs/common';
import { PedidoCriado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { ShippingDetailsRepository } from '../shipping-details.repository';

/** PedidoCriado → keep where the order goes and what is in it, until it is paid. Once per order. */
@Injectable()
export class RecordShippingAddressOnPedidoCriado {
  constructor(private readonly details: ShippingDetailsRepository) {}

  @HandleEvent(PedidoCriado, { queue: 'logistics.record-shipping-address' })
  async handle(event: EventOf<typeof PedidoCriado>, tx: SqlTransaction): Promise<void> {
    const { orderId, shippingAddress, lines } = event.data;
    this.details.record(tx, {
      orderId,
      shippingAddress,
      lines: lines.map(({ sku, quantity }) => ({ sku, quantity })),
    });
  }
}
