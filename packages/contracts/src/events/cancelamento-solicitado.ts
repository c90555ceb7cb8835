import { z } from 'zod';
import { defineEvent } from '../define-event';
import { Text } from '../values';

/**
 * The customer asked Orders to cancel the order (POST /orders/:id/cancel). Only a request: Logistics
 * decides, because only Logistics knows whether the parcel has left (ADR 9).
 */
export const CancelamentoSolicitado = defineEvent({
  type: 'CancelamentoSolicitado',
  version: 1,
  routingKey: 'pedido.cancelamento_solicitado',
  data: z.strictObject({
    orderId: z.uuid(),
    /** What the customer wrote, if anything. */
    reason: Text(1, 500).optional(),
  }),
});
