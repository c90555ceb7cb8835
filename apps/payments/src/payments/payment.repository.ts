import { Injectable } from '@nestjs/common';
import type { PaymentRejectionReason } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import type { PaymentStatus } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface PaymentRecord {
  id: string;
  orderId: string;
  amountCents: number;
  currency: 'BRL';
  status: PaymentStatus;
  reason: PaymentRejectionReason | null;
  authorizationCode: string | null;
  refundId: string | null;
  refundCode: string | null;
  refundedAt: Date | null;
  createdAt: Date;
}

const RECORD_PAYMENTS = `INSERT INTO payment (id, order_id, amount_cents, currency, status, reason, authorization_code)
  SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::text[], $5::payment_status[], $6::text[], $7::text[])`;

/** The only place that reads and writes payments. */
@Injectable()
export class PaymentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Records a payment, in one statement with the others of its transaction just before COMMIT (raw
   * SQL on the per-event path: no query for Prisma to compile). payment.order_id is unique.
   */
  record(
    tx: SqlTransaction,
    payment: Omit<PaymentRecord, 'createdAt' | 'refundId' | 'refundCode' | 'refundedAt'>,
  ): void {
    tx.writeBeforeCommit(RECORD_PAYMENTS, payment, (payments) =>
      tx.executeAtCommit(RECORD_PAYMENTS, [
        payments.map((p) => p.id),
        payments.map((p) => p.orderId),
        payments.map((p) => p.amountCents),
        payments.map((p) => p.currency),
        payments.map((p) => p.status),
        payments.map((p) => p.reason),
        payments.map((p) => p.authorizationCode),
      ]),
    );
  }

  /** Records the refund of an approved payment; at most once (refunded_at is set only while null). */
  async recordRefund(tx: SqlTransaction, paymentId: string, refund: { id: string; code: string }): Promise<void> {
    await tx.execute(
      `UPDATE payment SET refund_id = $2::uuid, refund_code = $3, refunded_at = now()
       WHERE id = $1::uuid AND refunded_at IS NULL`,
      [paymentId, refund.id, refund.code],
    );
  }

  async listByOrder(orderId: string): Promise<PaymentRecord[]> {
    const rows = await this.prisma.payment.findMany({ where: { orderId }, orderBy: { createdAt: 'asc' } });
    return rows.map(toRecord);
  }
}

function toRecord(row: {
  id: string;
  orderId: string;
  amountCents: bigint;
  currency: string;
  status: PaymentStatus;
  reason: string | null;
  authorizationCode: string | null;
  refundId: string | null;
  refundCode: string | null;
  refundedAt: Date | null;
  createdAt: Date;
}): PaymentRecord {
  return {
    ...row,
    amountCents: Number(row.amountCents),
    currency: row.currency as 'BRL',
    reason: row.reason as PaymentRejectionReason | null,
  };
}
