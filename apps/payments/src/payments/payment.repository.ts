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
  createdAt: Date;
}

/** The only place that reads and writes payments. */
@Injectable()
export class PaymentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Raw SQL on the per-event path: one round trip, and no query for Prisma to compile. */
  async create(tx: SqlTransaction, payment: Omit<PaymentRecord, 'createdAt'>): Promise<PaymentRecord> {
    const rows = await tx.query<{ created_at: Date }>(
      `INSERT INTO payment (id, order_id, amount_cents, currency, status, reason, authorization_code)
       VALUES ($1::uuid, $2::uuid, $3::bigint, $4, $5::payment_status, $6, $7)
       RETURNING created_at`,
      [
        payment.id,
        payment.orderId,
        payment.amountCents,
        payment.currency,
        payment.status,
        payment.reason,
        payment.authorizationCode,
      ],
    );
    return { ...payment, createdAt: rows[0]!.created_at };
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
  createdAt: Date;
}): PaymentRecord {
  return {
    ...row,
    amountCents: Number(row.amountCents),
    currency: row.currency as 'BRL',
    reason: row.reason as PaymentRejectionReason | null,
  };
}
