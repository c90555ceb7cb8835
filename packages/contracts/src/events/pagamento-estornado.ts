import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AmountCents, Currency } from '../values';

/** A customer-cancelled order's approved payment was refunded in full through the gateway. */
export const PagamentoEstornado = defineEvent({
  type: 'PagamentoEstornado',
  version: 1,
  routingKey: 'pagamento.estornado',
  data: z.strictObject({
    orderId: z.uuid(),
    paymentId: z.uuid(),
    refundId: z.uuid(),
    amountCents: AmountCents,
    currency: Currency,
  }),
});
