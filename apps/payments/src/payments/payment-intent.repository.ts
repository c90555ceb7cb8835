import { Injectable } from '@nestjs/common';
import { orderIdOf } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';

export interface PaymentIntent {
  orderId: string;
  amountCents: number;
  currency: 'BRL';
  cardToken: string;
  customerId: string;
}

/** The order's payment, as the transaction that locked its intent sees it. */
export interface RecordedPayment {
  id: string;
  status: 'APPROVED' | 'REJECTED';
  refunded: boolean;
}

/**
 * An intent as the transaction that locked it sees it; `charged` turns true once it charges the order,
 * `cancelled` once the customer's cancellation reached Payments (never charge it from then on).
 */
export interface LockedPaymentIntent extends PaymentIntent {
  charged: boolean;
  cancelled: boolean;
  /** The order's payment when it was charged before this transaction. */
  payment?: RecordedPayment;
}

// Raw SQL on the per-event paths, one statement per batch of events, each a named prepared statement.
const RECORD_INTENTS = `INSERT INTO payment_intent (order_id, amount_cents, currency, card_token, customer_id)
  SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[])
  ON CONFLICT (order_id) DO NOTHING`;

const LOCK_INTENTS = `SELECT i.order_id::text, i.amount_cents, i.currency, i.card_token, i.customer_id,
    i.cancelled_at IS NOT NULL AS cancelled, p.id::text AS payment_id, p.status::text AS payment_status,
    p.refunded_at IS NOT NULL AS refunded
  FROM payment_intent i LEFT JOIN payment p ON p.order_id = i.order_id
  WHERE i.order_id = ANY($1::uuid[]) ORDER BY i.order_id FOR UPDATE OF i`;

const MARK_CANCELLED = 'UPDATE payment_intent SET cancelled_at = now() WHERE order_id = $1::uuid';

interface IntentRow {
  order_id: string;
  amount_cents: bigint;
  currency: string;
  card_token: string;
  customer_id: string;
  cancelled: boolean;
  payment_id: string | null;
  payment_status: 'APPROVED' | 'REJECTED' | null;
  refunded: boolean | null;
}

/**
 * The only place that reads and writes payment intents. Set-based per transaction: the intents a
 * batch records go in one statement before COMMIT, and its first lock takes the intents of every
 * order its events are about in one statement.
 */
@Injectable()
export class PaymentIntentRepository {
  /** Keeps the first intent recorded for an order; a later one for the same order changes nothing. */
  record(tx: SqlTransaction, intent: PaymentIntent): void {
    const recorded = this.recordedIn(tx);
    if (recorded.has(intent.orderId)) return;
    recorded.set(intent.orderId, { ...intent, charged: false, cancelled: false });
    tx.writeBeforeCommit(RECORD_INTENTS, intent, (intents) =>
      tx.execute(RECORD_INTENTS, [
        intents.map((i) => i.orderId),
        intents.map((i) => i.amountCents),
        intents.map((i) => i.currency),
        intents.map((i) => i.cardToken),
        intents.map((i) => i.customerId),
      ]),
    );
  }

  /**
   * The order's intent, its row locked until the transaction ends: charges of the same order (two
   * EstoqueReservado for it, in any number of processes) run one after the other; `charged` says
   * whether a payment exists for the order already. An intent this transaction recorded counts too.
   */
  async lock(tx: SqlTransaction, orderId: string): Promise<LockedPaymentIntent | undefined> {
    const locked = await tx.lockForEvents('payments.intents', orderId, orderIdOf, (orderIds) =>
      this.lockMany(tx, orderIds),
    );
    return locked ?? this.recordedIn(tx).get(orderId);
  }

  private async lockMany(tx: SqlTransaction, orderIds: string[]): Promise<Map<string, LockedPaymentIntent>> {
    const rows = await tx.query<IntentRow>(LOCK_INTENTS, [orderIds]);
    return new Map(
      rows.map((row) => [
        row.order_id,
        {
          orderId: row.order_id,
          amountCents: Number(row.amount_cents),
          currency: row.currency as 'BRL',
          cardToken: row.card_token,
          customerId: row.customer_id,
          charged: row.payment_id !== null,
          cancelled: row.cancelled,
          ...(row.payment_id !== null && {
            payment: { id: row.payment_id, status: row.payment_status!, refunded: row.refunded === true },
          }),
        },
      ]),
    );
  }

  /** From now on the order is never charged: its customer cancelled it. The intent must be locked. */
  async markCancelled(tx: SqlTransaction, intent: LockedPaymentIntent): Promise<void> {
    await tx.execute(MARK_CANCELLED, [intent.orderId]);
    intent.cancelled = true;
  }

  /** The intents this transaction recorded, not written yet. */
  private recordedIn(tx: SqlTransaction): Map<string, LockedPaymentIntent> {
    return tx.local('payments.intents.recorded', () => new Map<string, LockedPaymentIntent>());
  }
}
