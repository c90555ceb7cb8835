import { parseEnv } from '@loja/service-kit';
import { z } from 'zod';

/** Payments' own settings (messaging reads RABBITMQ_URL and the MESSAGING_* ones itself). */
const PaymentsEnv = z.object({
  DATABASE_URL: z.string().min(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(3),
  /** Orders above this amount are rejected with AMOUNT_LIMIT_EXCEEDED (default R$ 10.000,00). */
  PAYMENTS_AMOUNT_LIMIT_CENTS: z.coerce.number().int().nonnegative().default(1_000_000),
  /** How many times the gateway is unavailable for a `tok_flaky` order before it approves it. */
  PAYMENTS_FLAKY_FAILURES: z.coerce.number().int().nonnegative().default(2),
});

export type PaymentsConfig = z.infer<typeof PaymentsEnv>;

export function paymentsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentsConfig {
  return parseEnv(PaymentsEnv, env, 'payments');
}

export const PAYMENTS_CONFIG = Symbol('PAYMENTS_CONFIG');
