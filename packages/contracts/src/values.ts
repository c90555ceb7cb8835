import { z } from 'zod';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Free text of `min`..`max` characters that every part of the store can hold: well-formed Unicode
 * without NUL (PostgreSQL's jsonb refuses both, and so would a mail server).
 */
export const Text = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !value.includes('\u0000') && !LONE_SURROGATE.test(value), {
      message: 'must be well-formed Unicode text without NUL characters',
    });

/** Stock keeping unit, e.g. `TSHIRT-BASIC-M`. */
export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'SKU: 2-40 upper-case letters, digits and dashes');
/** Money is always integer cents, never floats. */
export const AmountCents = z.number().int().nonnegative().max(100_000_000_00);
export const Currency = z.literal('BRL');
export const Quantity = z.number().int().positive().max(10_000);

export const StockLine = z.strictObject({ sku: Sku, quantity: Quantity });

export const OrderLine = z.strictObject({
  sku: Sku,
  name: Text(1, 200),
  quantity: Quantity,
  unitPriceCents: AmountCents,
});

export const Customer = z.strictObject({
  id: Text(1, 100),
  name: Text(1, 200),
  email: z.email(),
});

export const ShippingAddress = z.strictObject({
  street: Text(1, 200),
  number: Text(1, 20),
  complement: Text(0, 200).optional(),
  city: Text(1, 100),
  state: Text(2, 50),
  postalCode: Text(3, 20),
  country: z.string().length(2),
});

export const PaymentMethod = z.strictObject({
  method: z.literal('card'),
  /** Token from the card vault; card numbers never enter the store. */
  cardToken: Text(1, 100),
});

/**
 * Why an order was cancelled; customers get each one explained in words. OUT_OF_STOCK and
 * PAYMENT_REJECTED are the saga's own; CUSTOMER_CANCELLED follows a cancellation Logistics accepted.
 */
export const CancellationReason = z.enum(['OUT_OF_STOCK', 'PAYMENT_REJECTED', 'CUSTOMER_CANCELLED']);
export type CancellationReason = z.infer<typeof CancellationReason>;

export const PaymentRejectionReason = z.enum(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'AMOUNT_LIMIT_EXCEEDED']);
export type PaymentRejectionReason = z.infer<typeof PaymentRejectionReason>;
