import { z } from 'zod';
import { defineEvent } from '../define-event';
import { StockLine } from '../values';

/** A reservation was given back to stock (compensation). */
export const EstoqueLiberado = defineEvent({
  type: 'EstoqueLiberado',
  version: 1,
  routingKey: 'estoque.liberado',
  data: z.strictObject({
    orderId: z.uuid(),
    lines: z.array(StockLine).min(1),
    reason: z.enum(['PAYMENT_REJECTED', 'ORDER_CANCELLED']),
  }),
});
