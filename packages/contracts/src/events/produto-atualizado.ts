import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AmountCents, Currency, Sku, Text } from '../values';

/** Inventory's catalogue changed (seeded, restocked, repriced); Orders keeps a replica from it. */
export const ProdutoAtualizado = defineEvent({
  type: 'ProdutoAtualizado',
  version: 1,
  routingKey: 'produto.atualizado',
  data: z.strictObject({
    sku: Sku,
    name: Text(1, 200),
    priceCents: AmountCents,
    currency: Currency,
    stockAvailable: z.number().int().nonnegative(),
    /** Increases with every change of the product, so replicas can ignore stale updates. */
    revision: z.number().int().positive(),
  }),
});
