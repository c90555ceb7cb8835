import { randomUUID } from 'node:crypto';
import { createEvent, PagamentoAprovado, PedidoCriado, type DataOf } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';

type Customer = DataOf<typeof PedidoCriado>['customer'];

/**
 * A new order of `customer` for `lines`, from the samples. Its e-mail address is the customer's
 * `mailbox` and the order's own suffix, so that each test reads only the e-mails of its orders.
 */
export function pedidoCriado(
  customer: Omit<Customer, 'email'> & { mailbox: string },
  lines: DataOf<typeof PedidoCriado>['lines'],
) {
  const orderId = randomUUID();
  const { mailbox, ...rest } = customer;
  const data = sampleData(PedidoCriado, {
    orderId,
    customer: { ...rest, email: `${mailbox}.${orderId.slice(0, 8)}@example.com` },
    lines,
  });
  return createEvent(PedidoCriado, data, { source: 'orders', correlationId: orderId });
}

export type Order = ReturnType<typeof pedidoCriado>;

/** Payments' approval of the whole of `order`. */
export function pagamentoAprovado(order: Order) {
  const { orderId, totalCents } = order.data;
  return createEvent(
    PagamentoAprovado,
    sampleData(PagamentoAprovado, { orderId, paymentId: randomUUID(), amountCents: totalCents }),
    { source: 'payments', correlationId: orderId, causationId: order.id },
  );
}
