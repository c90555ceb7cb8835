import { z } from 'zod';
import { defineEvent } from '../define-event';
import { Text } from '../values';

export const PedidoEnviado = defineEvent({
  type: 'PedidoEnviado',
  version: 1,
  routingKey: 'pedido.enviado',
  data: z.strictObject({
    orderId: z.uuid(),
    shipmentId: z.uuid(),
    carrier: Text(1, 100),
    trackingCode: Text(1, 100),
    shippedAt: z.iso.datetime({ offset: true }),
  }),
});
