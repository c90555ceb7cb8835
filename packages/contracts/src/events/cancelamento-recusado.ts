import { z } from 'zod';
import { defineEvent } from '../define-event';
import { Text } from '../values';

/** Logistics refused a customer's cancellation: the parcel had already left. The order stays SHIPPED. */
export const CancelamentoRecusado = defineEvent({
  type: 'CancelamentoRecusado',
  version: 1,
  routingKey: 'pedido.cancelamento_recusado',
  data: z.strictObject({
    orderId: z.uuid(),
    reason: z.enum(['ALREADY_SHIPPED']),
    trackingCode: Text(1, 100),
  }),
});
