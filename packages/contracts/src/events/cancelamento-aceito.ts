import { z } from 'zod';
import { defineEvent } from '../define-event';

/**
 * Logistics accepted a customer's cancellation: nothing was sent, and nothing will be (a shipment
 * being prepared was stopped; one not created yet never will be). Orders then cancels the order.
 */
export const CancelamentoAceito = defineEvent({
  type: 'CancelamentoAceito',
  version: 1,
  routingKey: 'pedido.cancelamento_aceito',
  data: z.strictObject({
    orderId: z.uuid(),
    /** The shipment that was stopped, or null when none had been prepared yet. */
    stoppedShipmentId: z.uuid().nullable(),
  }),
});
