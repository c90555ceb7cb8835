import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';
import type { Notification } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

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
  async claim(tx: SqlTransaction, draft: NotificationDraft): Promise<Notification | undefined> {
    const row = { id: randomUUID(), ...draft, sentAt: new Date() };
    // Raw SQL on this per-event path: Prisma compiles a createMany anew on every call.
    const inserted = await tx.execute(
      `INSERT INTO notification (id, order_id, notice, event_id, recipient, subject, message_id, sent_at)
       VALUES ($1::uuid, $2::uuid, $3::notice, $4::uuid, $5, $6, $7, $8::timestamptz)
       ON CONFLICT DO NOTHING`,
      [
        row.id,
        row.orderId,
        row.notice,
        row.eventId,
        row.recipient,
        row.subject,
        row.messageId,
        row.sentAt.toISOString(),
      ],
    );
    return inserted === 1 ? row : undefined;
  }

  async listForOrder(orderId: string): Promise<Notification[]> {
    return this.prisma.notification.findMany({ where: { orderId }, orderBy: [{ sentAt: 'asc' }, { id: 'asc' }] });
  }
}
