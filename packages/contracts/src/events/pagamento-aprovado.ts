import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AmountCents, Currency, Text } from '../values';

export const PagamentoAprovado = defineEvent({
  type: 'PagamentoAprovado',
  version: 1,
  routingKey: 'pagamento.aprovado',
  data: z.strictObject({
    orderId: z.uuid(),
    paymentId: z.uuid(),
    amountCents: AmountCents,
    currency: Currency,
    authorizationCode: Text(1, 50),
  }),
});
