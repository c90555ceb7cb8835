import { z } from 'zod';
import { defineEvent } from '../define-event';
import { AmountCents, Currency, Customer, OrderLine, PaymentMethod, ShippingAddress } from '../values';

/** An order was accepted. It carries everything downstream services keep about the order. */
export const PedidoCriado = defineEvent({
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
