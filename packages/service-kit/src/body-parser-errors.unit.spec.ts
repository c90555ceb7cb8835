import { describe, expect, it } from 'vitest';
import { toDomainError } from './body-parser-errors';
import { COMMON_ERROR_CODES } from './error-codes';

describe('body parser errors', () => {
  it('maps each failure of the JSON body parser to a stable code, and each code has its status', () => {
    const malformed = toDomainError({ type: 'entity.parse.failed', message: 'Unexpected token' });
    const tooLarge = toDomainError({ type: 'entity.too.large', limit: 65536 });
    const charset = toDomainError({ type: 'charset.unsupported' });
    expect(malformed).toMatchObject({ code: 'MALFORMED_JSON' });
    expect(tooLarge).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'request body is larger than 65536 bytes' });
    expect(charset).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect([malformed, tooLarge, charset].map((error) => COMMON_ERROR_CODES[error!.code])).toEqual([400, 413, 415]);
    expect(toDomainError({ type: 'something.else' })).toBeUndefined();
  });
});
