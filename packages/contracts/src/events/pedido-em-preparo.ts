import { z } from 'zod';
import { defineEvent } from '../define-event';

/** Logistics created the shipment and is packing the order. */
export const PedidoEmPreparo = defineEvent({
  type: 'PedidoEmPreparo',
  version: 1,
  routingKey: 'pedido.em_preparo',
  data: z.strictObject({ orderId: z.uuid(), shipmentId: z.uuid() }),
});
