import { parseEnv } from '@loja/service-kit';
import { z } from 'zod';

/** Orders' own settings (messaging reads RABBITMQ_URL and the MESSAGING_* ones itself). */
const OrdersEnv = z.object({
  DATABASE_URL: z.string().min(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(3),
  /** New orders are refused (503) while Orders is placing this many already (waiting for their commit)… */
  ORDERS_MAX_PLACEMENTS_IN_FLIGHT: z.coerce.number().int().positive().default(250),
  /** …or while Orders' outbox has more unpublished events than this… */
  ORDERS_MAX_OUTBOX_BACKLOG: z.coerce.number().int().positive().default(2000),
  /** …or while its oldest unpublished event is older than this… */
  ORDERS_MAX_OUTBOX_AGE_MS: z.coerce.number().int().positive().default(2000),
  /**
   * …or while this many accepted orders are still on their way to a final state (the saga's backlog).
   * About 1.5 s of work at the 2-core machine's capacity: enough to keep it busy, few enough that an
   * order accepted under overload is still final within about 2 s (with 400 it waited up to 8 s).
   */
  ORDERS_MAX_ORDERS_IN_FLIGHT: z.coerce.number().int().positive().default(200),
  ORDERS_ADMISSION_CHECK_INTERVAL_MS: z.coerce.number().int().positive().default(250),
  /**
   * How long a product's name and price are used from memory before the replica is read again, for a
   * change another Orders instance replicated (this one's own take effect at once); 0 reads every time.
   */
  ORDERS_CATALOG_PRICES_TTL_MS: z.coerce.number().int().min(0).default(1000),
  /** The flow page reads queue depths and rates here, on the vhost of RABBITMQ_URL. */
  RABBITMQ_MANAGEMENT_URL: z.url().default('http://guest:guest@127.0.0.1:15672'),
  RABBITMQ_URL: z.url().default('amqp://guest:guest@127.0.0.1:5672'),
  /** How often the flow page's feed reads the broker and the timeline (once for every viewer). */
  FLOW_REFRESH_INTERVAL_MS: z.coerce.number().int().min(250).default(2000),
  /** A trace's page in the tracing UI, `{traceId}` standing for the trace id; unset, no trace links. */
  FLOW_TRACE_URL: z
    .string()
    .refine((url) => url.includes('{traceId}'), 'must contain {traceId}')
    .optional(),
});

export type OrdersConfig = z.infer<typeof OrdersEnv>;

export function ordersConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OrdersConfig {
  return parseEnv(OrdersEnv, env, 'orders');
}

export const ORDERS_CONFIG = Symbol('ORDERS_CONFIG');
