import { AmountCents, CancellationReason, Currency, Customer, Quantity, ShippingAddress, Sku } from '@loja/contracts';
import { z } from 'zod';
import { ORDER_STATUSES } from './order';
import type { OrderRecord, OrderWithLines } from './order.repository';

/** What the API shows of an order. The card token is never part of it. */
export const OrderStatusSchema = z.enum(ORDER_STATUSES);

export const TimelineEntryView = z.object({
  /** Event type; the first entry, PedidoCriado, is the order's creation. */
  type: z.string(),
  /** The order's status once this event was applied. */
  status: OrderStatusSchema,
  eventId: z.uuid(),
  occurredAt: z.iso.datetime(),
  recordedAt: z.iso.datetime(),
});

export const OrderLineView = z.object({
  sku: Sku,
  name: z.string(),
  quantity: Quantity,
  unitPriceCents: AmountCents,
  totalCents: AmountCents,
});

export const OrderSummary = z.object({
  id: z.uuid(),
  status: OrderStatusSchema,
  customer: Customer,
  lines: z.array(OrderLineView),
  totalCents: AmountCents,
  currency: Currency,
  shippingAddress: ShippingAddress,
  cancellationReason: CancellationReason.nullable(),
  /** When the customer asked to cancel; Logistics accepts (CANCELLED) or refuses (already shipped). */
  cancellationRequestedAt: z.iso.datetime().nullable(),
  trackingCode: z.string().nullable(),
  carrier: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export const OrderView = OrderSummary.extend({ timeline: z.array(TimelineEntryView) });

export const OrderPage = z.object({
  items: z.array(OrderSummary),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  total: z.number().int().nonnegative(),
});

export type OrderSummary = z.infer<typeof OrderSummary>;
export type OrderView = z.infer<typeof OrderView>;
export type OrderPage = z.infer<typeof OrderPage>;

export function toOrderSummary(order: OrderWithLines): OrderSummary {
  return {
    id: order.id,
    status: order.status,
    customer: { id: order.customerId, name: order.customerName, email: order.customerEmail },
    lines: order.lines.map((line) => ({
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      totalCents: line.quantity * line.unitPriceCents,
    })),
    totalCents: Number(order.totalCents),
    currency: 'BRL',
    shippingAddress: order.shippingAddress as z.infer<typeof ShippingAddress>,
    cancellationReason: order.cancellationReason,
    cancellationRequestedAt: order.cancellationRequestedAt?.toISOString() ?? null,
    trackingCode: order.trackingCode,
    carrier: order.carrier,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export function toOrderView(order: OrderRecord): OrderView {
  return {
    ...toOrderSummary(order),
    timeline: order.timeline.map((entry) => ({
      type: entry.type,
      status: entry.status,
      eventId: entry.eventId,
      occurredAt: entry.occurredAt.toISOString(),
      recordedAt: entry.recordedAt.toISOString(),
    })),
  };
}
