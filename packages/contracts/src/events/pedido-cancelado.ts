import { z } from 'zod';
import { defineEvent } from '../define-event';
import { CancellationReason } from '../values';

export const PedidoCancelado = defineEvent({
  type: 'PedidoCancelado',
  version: 1,
  routingKey: 'pedido.cancelado',
  data: z.strictObject({ orderId: z.uuid(), reason: CancellationReason }),
});
