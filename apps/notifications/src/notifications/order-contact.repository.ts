import { Injectable } from '@nestjs/common';
import type { OrderContact } from '../generated/prisma/client';
import type { Tx } from '../prisma/prisma.service';

/** The only place that reads and writes order contacts. */
@Injectable()
export class OrderContactRepository {
  /** Keeps the first contact given for an order; a repeated PedidoCriado changes nothing. */
  async remember(tx: Tx, contact: { orderId: string; customerName: string; email: string }): Promise<void> {
    await tx.orderContact.createMany({ data: [contact], skipDuplicates: true });
  }

  async find(tx: Tx, orderId: string): Promise<OrderContact | null> {
    return tx.orderContact.findUnique({ where: { orderId } });
  }
}
