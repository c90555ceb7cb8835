import type { z } from 'zod';
import { InvalidRequestError } from './domain-error';

/** Validates `input` with `schema`, or throws InvalidRequestError naming every failing field. */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidRequestError(
    result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => (path ? `${path}.${k}` : k)) : [];
      return {
        field: [prefix, unknownKeys.join(',') || path].filter(Boolean).join('.'),
        message: issue.message,
      };
    }),
  );
}
