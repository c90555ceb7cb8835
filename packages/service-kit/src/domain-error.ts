/**
 * An error a use case raises on purpose, with a stable `code` clients can branch on. What the code
 * means over HTTP is not the use case's business: DomainErrorFilter picks the status from the
 * service's table of codes (its `src/errors.ts`, see error-codes.ts).
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: unknown,
    /** Response headers that go with it (Retry-After, say). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The service refuses work it cannot finish now, and says when to try again (Retry-After). */
export class ServiceOverloadedError<Code extends string = string> extends DomainError<Code> {
  constructor(code: Code, message: string, retryAfterSeconds: number, details?: unknown) {
    super(code, message, details, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** A request that breaks the API's rules; the body lists every failing field. */
export class InvalidRequestError extends DomainError<'INVALID_REQUEST'> {
  constructor(readonly errors: FieldError[]) {
    super('INVALID_REQUEST', `invalid request: ${errors.map((e) => e.field || '(body)').join(', ')}`, errors);
  }
}
