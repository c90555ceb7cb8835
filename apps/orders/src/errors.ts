import { DomainError, type CommonErrorCode, type ErrorCodes } from '@loja/service-kit';

/**
 * Every error code Orders answers with, beside service-kit's own (INVALID_REQUEST, MALFORMED_JSON,
 * PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE), and its HTTP status: service-kit's filter picks the
 * status from here, so use cases and controllers raise a code and never a status.
 */
export const ORDERS_ERROR_CODES = {
  /** GET /orders/:id (or POST /orders/:id/cancel) of an order that does not exist. */
  ORDER_NOT_FOUND: 404,
  /** GET /products/:sku of a SKU the catalogue replica does not hold. */
  PRODUCT_NOT_FOUND: 404,
  /** An order line names a SKU the catalogue does not hold; `errors` points at the lines. */
  UNKNOWN_SKU: 422,
  /** The order's total exceeds the largest amount accepted. */
  ORDER_TOTAL_TOO_LARGE: 422,
  /** POST /orders/:id/cancel of an order whose parcel has left: it can no longer be cancelled. */
  ORDER_ALREADY_SHIPPED: 409,
  /** The Idempotency-Key was used before with a different body. */
  IDEMPOTENCY_KEY_REUSED: 409,
  /** Too many orders being placed, or the outbox lags: Retry-After says when to come back. */
  ORDERS_OVERLOADED: 503,
} as const satisfies ErrorCodes;

export type OrdersErrorCode = keyof typeof ORDERS_ERROR_CODES | CommonErrorCode;

/** An error Orders raises on purpose; its code is one of the table above. */
export class OrdersError extends DomainError<OrdersErrorCode> {}
