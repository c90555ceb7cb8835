import { parseEnv } from '@loja/service-kit';
import { z } from 'zod';

/** Logistics' own settings (messaging reads RABBITMQ_URL and the MESSAGING_* ones itself). */
const LogisticsEnv = z.object({
  DATABASE_URL: z.string().min(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(3),
  /** How long a paid order stays IN_PREPARATION before it ships (0: at once). */
  SHIPPING_DELAY_MS: z.coerce.number().int().nonnegative().default(5000),
  /** Period of the sweep that ships due shipments (also after a restart, or another replica's). */
  LOGISTICS_DISPATCH_INTERVAL_MS: z.coerce.number().int().positive().default(500),
  /** Shipments shipped per transaction. */
  LOGISTICS_DISPATCH_BATCH_SIZE: z.coerce.number().int().positive().default(50),
});

export type LogisticsConfig = z.infer<typeof LogisticsEnv>;

export function logisticsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LogisticsConfig {
  return parseEnv(LogisticsEnv, env, 'logistics');
}

export const LOGISTICS_CONFIG = Symbol('LOGISTICS_CONFIG');
