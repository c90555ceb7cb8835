import { Injectable } from '@nestjs/common';
import { PagamentoAprovado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { PrepareShipmentService } from './prepare-shipment.service';

/** PagamentoAprovado → a shipment for the order, and PedidoEmPreparo (then PedidoEnviado when due). */
@Injectable()
export class PrepareShipmentOnPagamentoAprovado {
  constructor(private readonly prepareShipment: PrepareShipmentService) {}

  @HandleEvent(PagamentoAprovado, { queue: 'logistics.prepare-shipment' })
  handle(event: EventOf<typeof PagamentoAprovado>, tx: SqlTransaction): Promise<void> {
    return this.prepareShipment.execute(tx, event);
  }
}
