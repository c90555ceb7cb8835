import { Injectable } from '@nestjs/common';
import type { PaymentRejectionReason } from '@loja/contracts';
import type { PaymentStatus } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

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

  async existsForOrder(tx: Tx, orderId: string): Promise<boolean> {
    return (await tx.payment.count({ where: { orderId } })) > 0;
  }

  async create(tx: Tx, payment: Omit<PaymentRecord, 'createdAt'>): Promise<PaymentRecord> {
    const created = await tx.payment.create({ data: { ...payment, amountCents: BigInt(payment.amountCents) } });
    return toRecord(created);
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
