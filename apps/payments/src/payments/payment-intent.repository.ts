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

const LOCK_INTENTS = `SELECT order_id::text, amount_cents, currency, card_token, customer_id,
    cancelled_at IS NOT NULL AS cancelled
  FROM payment_intent WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR UPDATE`;

// A statement of its own, run once the intents are locked: its snapshot is taken after the lock was
// granted, so it sees a payment that a concurrent charge committed while this transaction waited. (In
// the locking statement itself, a join would read payment from the snapshot taken before the wait:
// a refund racing a charge would find no payment, and never refund it.)
const PAYMENTS_OF = `SELECT order_id::text, id::text, status::text AS status, refunded_at IS NOT NULL AS refunded
  FROM payment WHERE order_id = ANY($1::uuid[])`;

const MARK_CANCELLED = 'UPDATE payment_intent SET cancelled_at = now() WHERE order_id = $1::uuid';

interface IntentRow {
  order_id: string;
  amount_cents: bigint;
  currency: string;
  card_token: string;
  customer_id: string;
  cancelled: boolean;
}

interface PaymentRow {
  order_id: string;
  id: string;
  status: 'APPROVED' | 'REJECTED';
  refunded: boolean;
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
    if (!this.intents(tx).add(intent.orderId, { ...intent, charged: false, cancelled: false })) return;
    tx.writeBeforeCommit(RECORD_INTENTS, intent, (intents) =>
      tx.executeAtCommit(RECORD_INTENTS, [
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
    return this.intents(tx).lock(orderId);
  }

  /** The intents of this transaction: those it locked, and those it recorded (not written yet). */
  private intents(tx: SqlTransaction) {
    return tx.lockForEvents('payments.intents', orderIdOf, (orderIds) => this.lockMany(tx, orderIds));
  }

  private async lockMany(tx: SqlTransaction, orderIds: string[]): Promise<Map<string, LockedPaymentIntent>> {
    const intents = await tx.query<IntentRow>(LOCK_INTENTS, [orderIds]);
    if (intents.length === 0) return new Map();
    const payments = new Map(
      (await tx.query<PaymentRow>(PAYMENTS_OF, [intents.map((row) => row.order_id)])).map((row) => [row.order_id, row]),
    );
    return new Map(
      intents.map((row) => {
        const payment = payments.get(row.order_id);
        return [
          row.order_id,
          {
            orderId: row.order_id,
            amountCents: Number(row.amount_cents),
            currency: row.currency as 'BRL',
            cardToken: row.card_token,
            customerId: row.customer_id,
            charged: payment !== undefined,
            cancelled: row.cancelled,
            ...(payment && { payment: { id: payment.id, status: payment.status, refunded: payment.refunded } }),
          },
        ];
      }),
    );
  }

  /** From now on the order is never charged: its customer cancelled it. The intent must be locked. */
  async markCancelled(tx: SqlTransaction, intent: LockedPaymentIntent): Promise<void> {
    await tx.execute(MARK_CANCELLED, [intent.orderId]);
    intent.cancelled = true;
  }
}
