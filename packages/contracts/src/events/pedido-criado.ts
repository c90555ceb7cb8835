import { z } from 'zod';
import { defineEvent, defineNextVersion } from '../define-event';
import { AmountCents, Currency, Customer, OrderLine, PaymentMethod, ShippingAddress } from '../values';

/** Version 1 of PedidoCriado: still read by every consumer, and published while a producer is set to it. */
export const PedidoCriadoV1 = defineEvent({
  type: 'PedidoCriado',
  version: 1,
  routingKey: 'pedido.criado',
  data: z.strictObject({
    orderId: z.uuid(),
    customer: Customer,
    lines: z.array(OrderLine).min(1).max(100),
    totalCents: AmountCents,
    currency: Currency,
    shippingAddress: ShippingAddress,
    payment: PaymentMethod,
  }),
});

/**
 * An order was accepted. It carries everything downstream services keep about the order.
 *
 * Version 2 adds `placedAt`, when the customer placed the order (a fact of the order, not of the
 * message: a replayed or re-published event keeps it). Orders writes the event in the transaction
 * that creates the order, so for a version 1 event the envelope's `occurredAt` is that instant.
 */
export const PedidoCriado = defineNextVersion(PedidoCriadoV1, {
  data: PedidoCriadoV1.data.extend({ placedAt: z.iso.datetime({ offset: true }) }),
  upcast: (v1) => ({ ...v1.data, placedAt: v1.occurredAt }),
  downcast: ({ placedAt: _placedAt, ...v1 }) => v1,
});
