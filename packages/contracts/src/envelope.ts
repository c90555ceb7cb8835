import { z } from 'zod';

/** Services that publish events; `source` on every envelope names one of them. */
export const ServiceName = z.enum(['orders', 'inventory', 'payments', 'logistics', 'notifications']);
export type ServiceName = z.infer<typeof ServiceName>;

/**
 * The fields every event carries, whatever its type. `id` is the idempotency key consumers record in
 * their inbox; `correlationId` ties every event of one saga together (the order id, or the SKU for
 * catalogue events); `causationId` is the id of the event that caused this one (null for events caused
 * by a user's request).
 */
export const EnvelopeFields = {
  id: z.uuid(),
  occurredAt: z.iso.datetime({ offset: true }),
  source: ServiceName,
  correlationId: z.string().min(1).max(200),
  causationId: z.uuid().nullable(),
};

/** Shape shared by every envelope before its type is known: used to read `type` and `version` first. */
export const AnyEnvelope = z.object({
  ...EnvelopeFields,
  type: z.string().min(1),
  version: z.number().int().positive(),
  data: z.unknown(),
});
export type AnyEnvelope = z.infer<typeof AnyEnvelope>;
