import { z } from 'zod';
import { defineEvent } from '../define-event';
import { StockLine } from '../values';

/** Every line of the order is held for it. */
export const EstoqueReservado = defineEvent({
  type: 'EstoqueReservado',
  version: 1,
  routingKey: 'estoque.reservado',
  data: z.strictObject({ orderId: z.uuid(), lines: z.array(StockLine).min(1) }),
});
