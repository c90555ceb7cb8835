import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Notification } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export type NotificationDraft = Omit<Notification, 'id' | 'sentAt'>;

/** The only place that reads and writes sent notifications. */
@Injectable()
export class NotificationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the row for (order, notice) unless one exists, and says whether it did. A concurrent
   * transaction inserting the same pair waits on the unique index until this one commits (then it
   * inserts nothing) or rolls back (then it inserts): only one of them goes on to send the e-mail.
   */
  async claim(tx: Tx, draft: NotificationDraft): Promise<Notification | undefined> {
    const row = { id: randomUUID(), ...draft, sentAt: new Date() };
    const { count } = await tx.notification.createMany({ data: [row], skipDuplicates: true });
    return count === 1 ? row : undefined;
  }

  async markSent(tx: Tx, id: string, sentAt: Date): Promise<void> {
    await tx.notification.update({ where: { id }, data: { sentAt } });
  }

  async listForOrder(orderId: string): Promise<Notification[]> {
    return this.prisma.notification.findMany({ where: { orderId }, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }] });
  }
}
