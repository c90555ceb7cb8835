import { z } from 'zod';

/** Stock keeping unit, e.g. `TSHIRT-BASIC-M`. */
export const Sku = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'SKU: 2-40 upper-case letters, digits and dashes');
/** Money is always integer cents, never floats. */
export const AmountCents = z.number().int().nonnegative().max(100_000_000_00);
export const Currency = z.literal('BRL');
export const Quantity = z.number().int().positive().max(10_000);

export const StockLine = z.strictObject({ sku: Sku, quantity: Quantity });

export const OrderLine = z.strictObject({
  sku: Sku,
  name: z.string().min(1).max(200),
  quantity: Quantity,
  unitPriceCents: AmountCents,
});

export const Customer = z.strictObject({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  email: z.email(),
});

export const ShippingAddress = z.strictObject({
  street: z.string().min(1).max(200),
  number: z.string().min(1).max(20),
  complement: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  state: z.string().min(2).max(50),
  postalCode: z.string().min(3).max(20),
  country: z.string().length(2),
});

export const PaymentMethod = z.strictObject({
  method: z.literal('card'),
  /** Token from the card vault; card numbers never enter the store. */
  cardToken: z.string().min(1).max(100),
});

/** Why an order was cancelled; customers get each one explained in words. */
export const CancellationReason = z.enum(['OUT_OF_STOCK', 'PAYMENT_REJECTED']);
export type CancellationReason = z.infer<typeof CancellationReason>;

export const PaymentRejectionReason = z.enum(['CARD_DECLINED', 'INSUFFICIENT_FUNDS', 'AMOUNT_LIMIT_EXCEEDED']);
export type PaymentRejectionReason = z.infer<typeof PaymentRejectionReason>;
