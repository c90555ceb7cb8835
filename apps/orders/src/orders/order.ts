/**
 * Order status rules, plain TypeScript. Saga events can arrive late, twice or out of order: a status
 * only moves forward along PENDING → STOCK_RESERVED → PAID → IN_PREPARATION → SHIPPED, CANCELLED is
 * terminal, and an event that would move the order backwards changes nothing (it is still recorded in
 * the timeline by the caller). The saga cancels only before payment; a customer's cancellation that
 * Logistics accepted cancels any order that has not shipped (Logistics guarantees it never will).
 */
import type {
  CancelamentoAceito,
  CancelamentoRecusado,
  CancellationReason,
  EstoqueIndisponivel,
  EstoqueLiberado,
  EstoqueReservado,
  EventOf,
  PagamentoAprovado,
  PagamentoCancelado,
  PagamentoEstornado,
  PagamentoRejeitado,
  PedidoEmPreparo,
  PedidoEnviado,
} from '@loja/contracts';

export const ORDER_STATUSES = ['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION', 'SHIPPED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

type ForwardStatus = Exclude<OrderStatus, 'CANCELLED'>;

/** Position on the happy path; a status moves only to a higher rank. */
const RANK: Record<ForwardStatus, number> = {
  PENDING: 0,
  STOCK_RESERVED: 1,
  PAID: 2,
  IN_PREPARATION: 3,
  SHIPPED: 4,
};

/** Statuses from which the saga may still cancel an order: nothing was charged yet. */
const CANCELLABLE_BY_SAGA: ReadonlySet<OrderStatus> = new Set(['PENDING', 'STOCK_RESERVED']);

/** Statuses from which a customer may ask to cancel: the parcel has not left. */
const CANCELLABLE_BY_CUSTOMER: ReadonlySet<OrderStatus> = new Set([
  'PENDING',
  'STOCK_RESERVED',
  'PAID',
  'IN_PREPARATION',
]);

export interface OrderState {
  status: OrderStatus;
  cancellationReason: CancellationReason | null;
  carrier: string | null;
  trackingCode: string | null;
}

/** What one saga event means for an order. */
export type SagaFact =
  | { kind: 'advance'; to: 'STOCK_RESERVED' | 'PAID' | 'IN_PREPARATION' }
  | { kind: 'ship'; carrier: string; trackingCode: string }
  | { kind: 'cancel'; reason: CancellationReason }
  /** Worth a timeline entry, no status change. */
  | { kind: 'note' };

export type SagaEvent =
  | EventOf<typeof EstoqueReservado>
  | EventOf<typeof EstoqueIndisponivel>
  | EventOf<typeof PagamentoAprovado>
  | EventOf<typeof PagamentoRejeitado>
  | EventOf<typeof EstoqueLiberado>
  | EventOf<typeof PedidoEmPreparo>
  | EventOf<typeof PedidoEnviado>
  | EventOf<typeof CancelamentoAceito>
  | EventOf<typeof CancelamentoRecusado>
  | EventOf<typeof PagamentoEstornado>
  | EventOf<typeof PagamentoCancelado>;

export interface Transition {
  /** The order after the fact (the same object values when nothing changed). */
  next: OrderState;
  changed: boolean;
  /** True only for the one transition into CANCELLED: that is when PedidoCancelado is published. */
  cancelled: boolean;
}

export function sagaFactOf(event: SagaEvent): SagaFact {
  switch (event.type) {
    case 'EstoqueReservado':
      return { kind: 'advance', to: 'STOCK_RESERVED' };
    case 'PagamentoAprovado':
      return { kind: 'advance', to: 'PAID' };
    case 'PedidoEmPreparo':
      return { kind: 'advance', to: 'IN_PREPARATION' };
    case 'PedidoEnviado':
      return { kind: 'ship', carrier: event.data.carrier, trackingCode: event.data.trackingCode };
    case 'EstoqueIndisponivel':
      return { kind: 'cancel', reason: 'OUT_OF_STOCK' };
    case 'PagamentoRejeitado':
      return { kind: 'cancel', reason: 'PAYMENT_REJECTED' };
    case 'CancelamentoAceito':
      return { kind: 'cancel', reason: 'CUSTOMER_CANCELLED' };
    case 'EstoqueLiberado':
    case 'CancelamentoRecusado':
    case 'PagamentoEstornado':
    case 'PagamentoCancelado':
      return { kind: 'note' };
  }
}

/** SHIPPED and CANCELLED: no event moves the order any more. */
export function isFinal(status: OrderStatus): boolean {
  return status === 'SHIPPED' || status === 'CANCELLED';
}

/** Whether an order in `from` may move to `to` (to CANCELLED: for `reason`). */
export function canMoveTo(from: OrderStatus, to: OrderStatus, reason?: CancellationReason): boolean {
  if (from === 'CANCELLED') return false;
  if (to === 'CANCELLED') {
    return reason === 'CUSTOMER_CANCELLED' ? CANCELLABLE_BY_CUSTOMER.has(from) : CANCELLABLE_BY_SAGA.has(from);
  }
  return RANK[to] > RANK[from];
}

/**
 * What POST /orders/:id/cancel does with an order: ask Logistics (once: a request already made is
 * answered the same way, with no second event), or answer at once.
 */
export type CancellationRequest = 'request' | 'already-requested' | 'already-cancelled' | 'already-shipped';

export function cancellationRequestFor(status: OrderStatus, alreadyRequested: boolean): CancellationRequest {
  if (status === 'CANCELLED') return 'already-cancelled';
  if (!CANCELLABLE_BY_CUSTOMER.has(status)) return 'already-shipped';
  return alreadyRequested ? 'already-requested' : 'request';
}

export function applyFact(state: OrderState, fact: SagaFact): Transition {
  const unchanged: Transition = { next: state, changed: false, cancelled: false };
  switch (fact.kind) {
    case 'note':
      return unchanged;
    case 'advance':
      return canMoveTo(state.status, fact.to)
        ? { next: { ...state, status: fact.to }, changed: true, cancelled: false }
        : unchanged;
    case 'ship':
      return canMoveTo(state.status, 'SHIPPED')
        ? {
            next: { ...state, status: 'SHIPPED', carrier: fact.carrier, trackingCode: fact.trackingCode },
            changed: true,
            cancelled: false,
          }
        : unchanged;
    case 'cancel':
      return canMoveTo(state.status, 'CANCELLED', fact.reason)
        ? { next: { ...state, status: 'CANCELLED', cancellationReason: fact.reason }, changed: true, cancelled: true }
        : unchanged;
  }
}

export interface RequestedItem {
  sku: string;
  quantity: number;
}

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export type PricedOrder =
  | { kind: 'priced'; lines: PricedLine[]; totalCents: number }
  /** Indexes (in the request) of the items whose SKU the catalogue does not have. */
  | { kind: 'unknown-skus'; indexes: number[] };

/** Prices every item from the catalogue, never from the client; one line per item, in request order. */
export function priceOrder(
  items: RequestedItem[],
  catalog: ReadonlyMap<string, { name: string; priceCents: number }>,
): PricedOrder {
  const indexes = items.flatMap((item, index) => (catalog.has(item.sku) ? [] : [index]));
  if (indexes.length) return { kind: 'unknown-skus', indexes };
  const lines = items.map((item) => {
    const product = catalog.get(item.sku)!;
    return { sku: item.sku, name: product.name, quantity: item.quantity, unitPriceCents: product.priceCents };
  });
  return { kind: 'priced', lines, totalCents: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0) };
}
