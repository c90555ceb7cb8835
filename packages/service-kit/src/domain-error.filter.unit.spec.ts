import type { ArgumentsHost } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DomainError, InvalidRequestError, ServiceOverloadedError } from './domain-error';
import { DomainErrorFilter, isDatabaseUnavailable } from './domain-error.filter';

/** What the filter wrote: status, headers and JSON body of one response. */
function respond(filter: DomainErrorFilter, error: unknown) {
  const written = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    setHeader: (name: string, value: string) => (written.headers[name] = value),
    status: (status: number) => {
      written.status = status;
      return { json: (body: unknown) => (written.body = body) };
    },
  };
  filter.catch(error, { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost);
  return written;
}

describe('DomainErrorFilter', () => {
  const filter = new DomainErrorFilter({ ORDER_NOT_FOUND: 404, ORDERS_OVERLOADED: 503 });

  it("answers a DomainError with the status its code has in the service's table", () => {
    expect(respond(filter, new DomainError('ORDER_NOT_FOUND', 'no order 1'))).toEqual({
      status: 404,
      headers: {},
      body: { statusCode: 404, code: 'ORDER_NOT_FOUND', message: 'no order 1' },
    });
    const overloaded = respond(filter, new ServiceOverloadedError('ORDERS_OVERLOADED', 'busy', 2.2));
    expect(overloaded).toMatchObject({ status: 503, headers: { 'retry-after': '3' } });
  });

  it("uses service-kit's own codes in every service, with the field errors", () => {
    const invalid = respond(filter, new InvalidRequestError([{ field: 'sku', message: 'required' }]));
    expect(invalid).toMatchObject({
      status: 400,
      body: { code: 'INVALID_REQUEST', errors: [{ field: 'sku', message: 'required' }] },
    });
  });

  it('answers 500 without leaking anything for a code the tables lack', () => {
    expect(respond(filter, new DomainError('SOMETHING_NEW', 'internal detail'))).toMatchObject({
      status: 500,
      body: { code: 'INTERNAL_ERROR', message: 'internal error' },
    });
  });

  it('treats a database that is busy or unreachable as unavailable (503), anything else not', () => {
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('Unable to start a transaction in the given time'), { code: 'P2028' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('unique constraint'), { code: 'P2002' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });
});
