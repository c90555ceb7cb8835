import type { NestExpressApplication } from '@nestjs/platform-express';
import { DomainError } from './domain-error';
import type { CommonErrorCode } from './error-codes';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/**
 * Turns the JSON body parser's failures into DomainErrors with stable codes, so a client gets
 * MALFORMED_JSON / PAYLOAD_TOO_LARGE / UNSUPPORTED_MEDIA_TYPE instead of a bare status. Registered
 * right after the body parser (Nest would otherwise turn a JSON SyntaxError into a plain 400 before
 * any filter sees it); the result still goes through the one DomainErrorFilter.
 */
export function translateBodyParserErrors(app: NestExpressApplication): void {
  app.use((error: unknown, _req: unknown, _res: unknown, next: (error: unknown) => void) => {
    next(toDomainError(error as BodyParserError) ?? error);
  });
}

export function toDomainError(error: BodyParserError): DomainError<CommonErrorCode> | undefined {
  switch (error?.type) {
    case 'entity.parse.failed':
      return new DomainError('MALFORMED_JSON', `request body is not valid JSON: ${error.message ?? ''}`.trim());
    case 'entity.too.large':
      return new DomainError(
        'PAYLOAD_TOO_LARGE',
        `request body is larger than ${error.limit !== undefined ? `${error.limit} bytes` : 'the limit'}`,
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new DomainError('UNSUPPORTED_MEDIA_TYPE', error.message ?? 'unsupported body encoding');
    default:
      return undefined;
  }
}
