import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AmountCents, Currency, PaymentRejectionReason } from '../values';

export const PagamentoRejeitado = defineEvent({
  type: 'PagamentoRejeitado',
  version: 1,
  routingKey: 'pagamento.rejeitado',
  data: z.strictObject({
    orderId: z.uuid(),
    paymentId: z.uuid(),
    amountCents: AmountCents,
    currency: Currency,
    reason: PaymentRejectionReason,
  }),
});
