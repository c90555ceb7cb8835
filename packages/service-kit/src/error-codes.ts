import type { ValueProvider } from '@nestjs/common';

/**
 * Every error code a service answers with, and the HTTP status it means: the one place a code meets
 * its status. Each service keeps its table in `src/errors.ts` and provides it in its AppModule
 * (`provideErrorCodes`); DomainErrorFilter reads it, together with COMMON_ERROR_CODES.
 */
export type ErrorCodes = Readonly<Record<string, number>>;

/** The codes service-kit raises itself, in every service (request validation, the body parser). */
export const COMMON_ERROR_CODES = {
  /** A field of the body, query or path breaks the API's rules; `errors` lists them. */
  INVALID_REQUEST: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
} as const satisfies ErrorCodes;

export type CommonErrorCode = keyof typeof COMMON_ERROR_CODES;

/** Token of the service's table; createServiceApp fails at boot when AppModule does not provide one. */
export const ERROR_CODES = Symbol('ERROR_CODES');

export function provideErrorCodes(codes: ErrorCodes): ValueProvider<ErrorCodes> {
  return { provide: ERROR_CODES, useValue: codes };
}
