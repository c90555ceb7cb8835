import type { ErrorCodes } from '@loja/service-kit';

/**
 * Every error code Payments answers with beside service-kit's own (INVALID_REQUEST, MALFORMED_JSON,
 * PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE), and its HTTP status: none so far. Its HTTP API only
 * reads, and a bad query is INVALID_REQUEST. A new code goes here, with its status, and nowhere else.
 */
export const PAYMENTS_ERROR_CODES = {} as const satisfies ErrorCodes;
