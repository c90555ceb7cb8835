import { Controller, Get, Query } from '@nestjs/common';
import { parseRequest } from '@loja/service-kit';
import { z } from 'zod';
import { PaymentRepository } from '../payment.repository';

const ListPaymentsQuery = z.strictObject({ orderId: z.uuid() });

/** Operators (and tests): the payments recorded for one order; at most one, by design. */
@Controller('payments')
export class ListPaymentsController {
  constructor(private readonly payments: PaymentRepository) {}

  @Get()
  async list(@Query() query: unknown) {
    const { orderId } = parseRequest(ListPaymentsQuery, query);
    const payments = await this.payments.listByOrder(orderId);
    return payments.map((p) => ({
      id: p.id,
      orderId: p.orderId,
      status: p.status,
      amountCents: p.amountCents,
      currency: p.currency,
      reason: p.reason,
      authorizationCode: p.authorizationCode,
      refundId: p.refundId,
      refundCode: p.refundCode,
      refundedAt: p.refundedAt?.toISOString() ?? null,
      createdAt: p.createdAt.toISOString(),
    }));
  }
}
