import { z } from 'zod';
import { defineEvent } from '../define-event';

/**
 * A customer-cancelled order had no approved payment, and Payments will never charge it: nothing to
 * refund. The counterpart of PagamentoEstornado, so every customer cancellation ends with one of the two.
 */
export const PagamentoCancelado = defineEvent({
  type: 'PagamentoCancelado',
  version: 1,
  routingKey: 'pagamento.cancelado',
  data: z.strictObject({ orderId: z.uuid() }),
});
