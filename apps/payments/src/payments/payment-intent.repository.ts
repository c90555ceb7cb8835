import { Injectable } from '@nestjs/common';
import type { Tx } from '../prisma/prisma.service';

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
  async record(tx: Tx, intent: PaymentIntent): Promise<boolean> {
    const { count } = await tx.paymentIntent.createMany({
      data: [{ ...intent, amountCents: BigInt(intent.amountCents) }],
      skipDuplicates: true,
    });
    return count === 1;
  }

  /**
   * The order's intent, its row locked until the transaction ends: charges of the same order (two
   * EstoqueReservado for it, in any number of processes) run one after the other.
   */
  async lock(tx: Tx, orderId: string): Promise<PaymentIntent | undefined> {
    const rows = await tx.$queryRawUnsafe<Array<{ order_id: string }>>(
      'SELECT order_id FROM payment_intent WHERE order_id = $1::uuid FOR UPDATE',
      orderId,
    );
    if (!rows.length) return undefined;
    const intent = await tx.paymentIntent.findUniqueOrThrow({ where: { orderId } });
    return { ...intent, amountCents: Number(intent.amountCents), currency: intent.currency as 'BRL' };
  }
}
