import { z } from 'zod';
import { defineEvent } from '../define-event';
import { Sku } from '../values';

/** At least one line could not be held; nothing was reserved. */
export const EstoqueIndisponivel = defineEvent({
  type: 'EstoqueIndisponivel',
  version: 1,
  routingKey: 'estoque.indisponivel',
  data: z.strictObject({
    orderId: z.uuid(),
    missing: z
      .array(
        z.strictObject({
          sku: Sku,
          requested: z.number().int().positive(),
          available: z.number().int().nonnegative(),
        }),
      )
      .min(1),
  }),
});
