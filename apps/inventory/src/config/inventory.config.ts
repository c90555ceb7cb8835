import { parseEnv } from '@loja/service-kit';
import { z } from 'zod';

/** Inventory's own settings (messaging reads RABBITMQ_URL and the MESSAGING_* ones itself). */
const InventoryEnv = z.object({
  DATABASE_URL: z.string().min(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(3),
  /**
   * How often the stock the saga moved is announced (ProdutoAtualizado, one per product changed): the
   * most Orders' catalogue replica lags behind, before the relay.
   */
  INVENTORY_ANNOUNCE_INTERVAL_MS: z.coerce.number().int().positive().default(500),
  /** When set, POST /products/:sku/restock requires header `x-admin-token` with this value. */
  INVENTORY_ADMIN_TOKEN: z.string().min(1).optional(),
});

export type InventoryConfig = z.infer<typeof InventoryEnv>;

export function inventoryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): InventoryConfig {
  return parseEnv(InventoryEnv, env, 'inventory');
}

export const INVENTORY_CONFIG = Symbol('INVENTORY_CONFIG');
