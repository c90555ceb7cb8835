import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { parseEnv } from './parse-env';

describe('parseEnv', () => {
  const Env = z.object({ DATABASE_URL: z.string().min(1), POOL: z.coerce.number().int().positive().default(10) });

  it('returns typed settings with defaults', () => {
    expect(parseEnv(Env, { DATABASE_URL: 'postgres://x' }, 'orders')).toEqual({
      DATABASE_URL: 'postgres://x',
      POOL: 10,
    });
  });

  it('fails naming the service and every bad variable', () => {
    expect(() => parseEnv(Env, { POOL: '-1' }, 'orders')).toThrow(
      /^invalid orders configuration: DATABASE_URL: .*; POOL: /,
    );
  });
});
