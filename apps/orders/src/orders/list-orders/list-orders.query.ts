import { z } from 'zod';
import { OrderStatusSchema } from '../order.view';

/** Query of GET /orders. Strict: a misspelt parameter is an error, not silently ignored. */
export const ListOrdersQuery = z.strictObject({
  status: OrderStatusSchema.optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListOrdersQuery = z.infer<typeof ListOrdersQuery>;
