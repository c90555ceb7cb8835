import { Text } from '@loja/contracts';
import { z } from 'zod';

/** POST /orders/:id/cancel: the body is optional, and so is the customer's reason. */
export const CancelOrderRequest = z.strictObject({
  reason: Text(1, 500).optional().meta({ description: 'Why the customer cancels, in their words' }),
});

export type CancelOrderRequest = z.infer<typeof CancelOrderRequest>;
