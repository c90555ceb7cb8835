import { Customer, PaymentMethod, Quantity, ShippingAddress, Sku } from '@loja/contracts';
import { z } from 'zod';

export const MAX_ITEMS_PER_ORDER = 50;

/**
 * Body of POST /orders. Strict at every level: an unknown field (a price, a total, a typo) is an
 * error, since prices come from the catalogue and nothing the client sends is silently dropped.
 */
export const PlaceOrderRequest = z.strictObject({
  customer: Customer,
  items: z
    .array(z.strictObject({ sku: Sku, quantity: Quantity }))
    .min(1)
    .max(MAX_ITEMS_PER_ORDER),
  shippingAddress: ShippingAddress.extend({
    country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 country code in upper case, e.g. BR'),
  }),
  payment: PaymentMethod,
});
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** Header `Idempotency-Key`: the same key and body place the order once. */
export const IdempotencyKey = z.string().min(1).max(200);
