import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from './domain-error';
import { COMMON_ERROR_CODES, type ErrorCodes } from './error-codes';

/**
 * The one place errors become HTTP responses: `{ statusCode, code, message, errors? }`.
 * A DomainError gets the status its code has in the service's table (`src/errors.ts`) or in
 * COMMON_ERROR_CODES; Nest's HttpExceptions (404 route, 413 body too large, bad JSON) keep theirs;
 * anything else, a code missing from the tables included, is a 500 and is logged, never leaked.
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  private readonly statuses: ErrorCodes;

  constructor(serviceCodes: ErrorCodes) {
    this.statuses = { ...COMMON_ERROR_CODES, ...serviceCodes };
  }

  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = error instanceof DomainError ? this.statuses[error.code] : undefined;
    if (error instanceof DomainError && status !== undefined) {
      for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value);
      response.status(status).json({
        statusCode: status,
        code: error.code,
        message: error.message,
        ...(error.details !== undefined ? { errors: error.details } : {}),
      });
      return;
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const body = error.getResponse();
      const message = typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? error.message);
      response.status(status).json({ statusCode: status, code: httpCode(status), message });
      return;
    }
    // body-parser errors (malformed JSON, body too large, bad charset) carry their own status
    const ownStatus =
      (error as { status?: number; statusCode?: number })?.status ?? (error as { statusCode?: number })?.statusCode;
    if (!(error instanceof DomainError) && typeof ownStatus === 'number' && ownStatus >= 400 && ownStatus < 500) {
      response
        .status(ownStatus)
        .json({ statusCode: ownStatus, code: httpCode(ownStatus), message: (error as Error).message });
      return;
    }
    if (isDatabaseUnavailable(error)) {
      // Busy or unreachable database: a condition to retry, not a bug; the client may try again.
      this.logger.warn({ msg: 'database unavailable', error: (error as Error).message });
      response.setHeader('retry-after', '1');
      response.status(503).json({
        statusCode: 503,
        code: 'SERVICE_UNAVAILABLE',
        message: 'the database is busy or unavailable, try again',
      });
      return;
    }
    this.logger.error({
      msg: error instanceof DomainError ? 'error code with no HTTP status in errors.ts' : 'unhandled error',
      ...(error instanceof DomainError ? { code: error.code } : {}),
      error: (error as Error)?.stack ?? String(error),
    });
    response.status(500).json({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'internal error' });
  }
}

/**
 * Prisma's codes for "no connection in time" (P2024, P2028) and "cannot reach / lost the database"
 * (P1001, P1002, P1017), and a driver's connection errors.
 */
const UNAVAILABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1017',
  'P2024',
  'P2028',
  'ECONNREFUSED',
  'ECONNRESET',
  '57P01',
  '57P03',
]);

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}

function httpCode(status: number): string {
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
  };
  return codes[status] ?? `HTTP_${status}`;
}
