/**
 * An error a use case raises on purpose, with a stable `code` clients can branch on and the HTTP
 * status it means. Mapped to a response once, by DomainErrorFilter.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number,
    readonly details?: unknown,
    /** Response headers that go with it (Retry-After, say). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The service refuses work it cannot finish now: 503, and when to try again. */
export class ServiceOverloadedError extends DomainError {
  constructor(code: string, message: string, retryAfterSeconds: number, details?: unknown) {
    super(code, message, 503, details, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
  }
}

export interface FieldError {
  field: string;
  message: string;
}

/** A request that breaks the API's rules; the body lists every failing field. */
export class InvalidRequestError extends DomainError {
  constructor(readonly errors: FieldError[]) {
    super('INVALID_REQUEST', `invalid request: ${errors.map((e) => e.field || '(body)').join(', ')}`, 400, errors);
  }
}
