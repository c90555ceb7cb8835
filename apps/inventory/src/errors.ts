import { DomainError, type CommonErrorCode, type ErrorCodes } from '@loja/service-kit';

/**
 * Every error code Inventory answers with, beside service-kit's own (INVALID_REQUEST, MALFORMED_JSON,
 * PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE), and its HTTP status: service-kit's filter picks the
 * status from here, so use cases and controllers raise a code and never a status.
 */
export const INVENTORY_ERROR_CODES = {
  /** An admin endpoint without the right x-admin-token. */
  FORBIDDEN: 403,
  /** POST /products/:sku/restock of a SKU that does not exist. */
  UNKNOWN_SKU: 404,
} as const satisfies ErrorCodes;

export type InventoryErrorCode = keyof typeof INVENTORY_ERROR_CODES | CommonErrorCode;

/** An error Inventory raises on purpose; its code is one of the table above. */
export class InventoryError extends DomainError<InventoryErrorCode> {}
