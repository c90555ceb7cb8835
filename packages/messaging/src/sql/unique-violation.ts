/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * Whether `error` is PostgreSQL refusing a row that `constraint` (a primary key or unique index, by
 * name) already holds: how a statement sent with COMMIT, which has no result of its own to look at,
 * tells "already there" apart from any other failure.
 */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  return code === UNIQUE_VIOLATION && violated === constraint;
}
