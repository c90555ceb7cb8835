import { AmountCents, Currency, Sku } from '@loja/contracts';
import { z } from 'zod';
import type { CatalogProductRecord } from './catalog.repository';

/** A product as Orders knows it (the replica): what can be ordered, at which price. */
export const ProductView = z.object({
  sku: Sku,
  name: z.string(),
  priceCents: AmountCents,
  currency: Currency,
  stockAvailable: z.number().int().nonnegative(),
  revision: z.number().int().positive(),
});
export type ProductView = z.infer<typeof ProductView>;

export function toProductView(product: CatalogProductRecord): ProductView {
  return {
    sku: product.sku,
    name: product.name,
    priceCents: product.priceCents,
    currency: 'BRL',
    stockAvailable: product.stockAvailable,
    revision: product.revision,
  };
}
