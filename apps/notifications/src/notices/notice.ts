import type { CancellationReason, DataOf, PedidoCriado } from '@loja/contracts';

/** The steps a customer hears about; also the `X-Loja-Notice` header and the dedup key with the order. */
export const NOTICES = ['received', 'paid', 'shipped', 'cancelled', 'cancellation_refused'] as const;
export type Notice = (typeof NOTICES)[number];

/** What each notice says, besides whom it is for. */
export type NoticeFacts =
  | { notice: 'received'; lines: DataOf<typeof PedidoCriado>['lines']; totalCents: number }
  | { notice: 'paid'; amountCents: number }
  | { notice: 'shipped'; carrier: string; trackingCode: string }
  /** `refundedCents` when a payment was refunded (a customer's cancellation of a paid order). */
  | { notice: 'cancelled'; reason: CancellationReason; refundedCents?: number }
  | { notice: 'cancellation_refused'; trackingCode: string };

/**
 * Whether PedidoCancelado itself is the moment to tell the customer. Not for a customer's cancellation:
 * that e-mail waits for Payments to settle it (PagamentoEstornado or PagamentoCancelado), so it can
 * say truthfully whether the payment was refunded.
 */
export function announcesCancellation(reason: CancellationReason): boolean {
  return reason !== 'CUSTOMER_CANCELLED';
}

/** Deterministic, so a copy sent twice carries the same Message-ID and mail clients show it once. */
export function noticeMessageId(orderId: string, notice: Notice): string {
  return `<${orderId}.${notice}@loja>`;
}

/** The short order number customers see: `#1A2B3C4D` (the start of the order id). */
export function orderReference(orderId: string): string {
  return `#${orderId.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}
