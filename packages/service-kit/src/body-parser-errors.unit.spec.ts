import { describe, expect, it } from 'vitest';
import { toDomainError } from './body-parser-errors';

describe('body parser errors', () => {
  it('maps each failure of the JSON body parser to a stable code and status', () => {
    expect(toDomainError({ type: 'entity.parse.failed', message: 'Unexpected token' })).toMatchObject({
      code: 'MALFORMED_JSON',
      httpStatus: 400,
    });
    expect(toDomainError({ type: 'entity.too.large', limit: 65536 })).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      httpStatus: 413,
    });
    expect(toDomainError({ type: 'charset.unsupported' })).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      httpStatus: 415,
    });
    expect(toDomainError({ type: 'something.else' })).toBeUndefined();
  });
});
