import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from './unique-violation';

/** An error as node-postgres builds it from the server's answer. */
function databaseError(code: string, constraint?: string): DatabaseError {
  const error = new DatabaseError('refused', 0, 'error');
  error.code = code;
  error.constraint = constraint;
  return error;
}

describe('isUniqueViolation', () => {
  it('is true for a unique violation of the constraint named, false for any other', () => {
    expect(isUniqueViolation(databaseError('23505', 'inbox_message_pkey'), 'inbox_message_pkey')).toBe(true);
    expect(isUniqueViolation(databaseError('23505', 'idempotency_key_pkey'), 'inbox_message_pkey')).toBe(false);
    expect(isUniqueViolation(databaseError('23503', 'inbox_message_pkey'), 'inbox_message_pkey')).toBe(false);
    expect(isUniqueViolation(new Error('connection lost'), 'inbox_message_pkey')).toBe(false);
  });
});
