import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';

export interface PaymentIntent {
  orderId: string;
  amountCents: number;
  currency: 'BRL';
  cardToken: string;
  customerId: string;
}

/** The only place that reads and writes payment intents. */
@Injectable()
export class PaymentIntentRepository {
  /** Keeps the first intent recorded for an order; a later one for the same order changes nothing. */
  async record(tx: SqlTransaction, intent: PaymentIntent): Promise<boolean> {
    // Raw SQL on the per-event paths: one round trip each, and no query for Prisma to compile.
    const inserted = await tx.execute(
      `INSERT INTO payment_intent (order_id, amount_cents, currency, card_token, customer_id)
       VALUES ($1::uuid, $2::bigint, $3, $4, $5) ON CONFLICT (order_id) DO NOTHING`,
      [intent.orderId, intent.amountCents, intent.currency, intent.cardToken, intent.customerId],
    );
    return inserted === 1;
  }

  /**
   * The order's intent, its row locked until the transaction ends: charges of the same order (two
   * EstoqueReservado for it, in any number of processes) run one after the other; `charged` says
   * whether a payment exists for the order already (one statement for both).
   */
  async lock(tx: SqlTransaction, orderId: string): Promise<(PaymentIntent & { charged: boolean }) | undefined> {
    const rows = await tx.query<{
      order_id: string;
      amount_cents: bigint;
      currency: string;
      card_token: string;
      customer_id: string;
      charged: boolean;
    }>(
      `SELECT order_id::text, amount_cents, currency, card_token, customer_id,
              EXISTS (SELECT 1 FROM payment p WHERE p.order_id = i.order_id) AS charged
       FROM payment_intent i WHERE order_id = $1::uuid FOR UPDATE OF i`,
      [orderId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      orderId: row.order_id,
      amountCents: Number(row.amount_cents),
      currency: row.currency as 'BRL',
      cardToken: row.card_token,
      customerId: row.customer_id,
      charged: row.charged,
    };
  }
}
