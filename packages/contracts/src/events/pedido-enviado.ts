import { z } from 'zod';
import { defineEvent } from '../define-event';

export const PedidoEnviado = defineEvent({
  type: 'PedidoEnviado',
  version: 1,
  routingKey: 'pedido.enviado',
  data: z.strictObject({
    orderId: z.uuid(),
    shipmentId: z.uuid(),
    carrier: z.string().min(1).max(100),
    trackingCode: z.string().min(1).max(100),
    shippedAt: z.iso.datetime({ offset: true }),
  }),
});
