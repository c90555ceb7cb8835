import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Database, type SqlTransaction } from '@loja/messaging';
import type { Notification } from '../generated/prisma/client';
import type { Notice } from '../notices/notice';
import { PrismaService } from '../prisma/prisma.service';
import type { LeasedNoticeEmail, NoticeEmail } from './notice-email';

export type ListedNotification = Pick<Notification, 'notice' | 'recipient' | 'subject' | 'messageId' | 'sentAt'>;

/** What the handler knows of an e-mail before it is recorded. */
export type NotificationDraft = Omit<NoticeEmail, 'id' | 'attempts'> & { eventId: string };

interface NotificationRow {
  id: string;
  order_id: string;
  notice: Notice;
  recipient: string;
  recipient_name: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  message_id: string;
  attempts: number;
}

const EMAIL_COLUMNS = `id::text, order_id::text, notice::text, recipient, recipient_name, subject, text, html, headers,
  message_id, attempts`;

// Leases are counted on the database's clock from the moment the statement runs (clock_timestamp(),
// not the transaction's start), so the process's own deadline (see LeasedNoticeEmail) never outlasts it.
const RECORD = `INSERT INTO notification (id, order_id, notice, event_id, recipient, recipient_name, subject, text, html,
    headers, message_id, claimed_until)
  SELECT *, clock_timestamp() + $12::int * interval '1 millisecond'
  FROM unnest($1::uuid[], $2::uuid[], $3::notice[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::jsonb[], $11::text[])
  ON CONFLICT DO NOTHING
  RETURNING id::text`;

const CLAIM_DUE = `UPDATE notification SET claimed_until = clock_timestamp() + $2::int * interval '1 millisecond'
  WHERE id IN (
    SELECT id FROM notification WHERE sent_at IS NULL AND claimed_until <= now()
    ORDER BY claimed_until LIMIT $1 FOR UPDATE SKIP LOCKED)
  RETURNING ${EMAIL_COLUMNS}`;

const MARK_SENT = `UPDATE notification SET sent_at = clock_timestamp(), claimed_until = NULL
  WHERE id = ANY($1::uuid[]) AND sent_at IS NULL`;

const RECORD_FAILURE = `UPDATE notification
  SET attempts = attempts + 1, last_error = $2, claimed_until = clock_timestamp() + $3::int * interval '1 millisecond'
  WHERE id = $1::uuid AND sent_at IS NULL`;

const RELEASE = `UPDATE notification SET claimed_until = clock_timestamp() WHERE id = ANY($1::uuid[]) AND sent_at IS NULL`;

/** The only place that reads and writes notifications (the e-mail outbox). */
@Injectable()
export class NotificationRepository {
  constructor(
    private readonly database: Database,
    private readonly prisma: PrismaService,
  ) {}

  /**
   * Records each e-mail for (order, notice) unless one exists, leased to this process for `leaseMs`,
   * in one statement, and returns those it recorded. A concurrent transaction recording the same
   * pair waits on the unique index until this one commits (then it records nothing) or rolls back
   * (then it records): only one of them goes on to send the e-mail.
   */
  async recordMany(tx: SqlTransaction, drafts: NotificationDraft[], leaseMs: number): Promise<LeasedNoticeEmail[]> {
    const emails = drafts.map((draft) => ({ id: randomUUID(), ...draft, attempts: 0 }));
    const leasedAt = Date.now();
    const inserted = await tx.query<{ id: string }>(RECORD, [
      emails.map((e) => e.id),
      emails.map((e) => e.orderId),
      emails.map((e) => e.notice),
      emails.map((e) => e.eventId),
      emails.map((e) => e.to.address),
      emails.map((e) => e.to.name),
      emails.map((e) => e.subject),
      emails.map((e) => e.text),
      emails.map((e) => e.html),
      emails.map((e) => JSON.stringify(e.headers)),
      emails.map((e) => e.messageId),
      leaseMs,
    ]);
    const recorded = new Set(inserted.map((row) => row.id));
    return emails.filter((e) => recorded.has(e.id)).map((e) => ({ ...e, leaseEndsAt: leasedAt + leaseMs }));
  }

  /**
   * Takes up to `limit` unsent e-mails whose lease has run out (their sender died, or their last send
   * failed and its back-off is over) and leases them to this process for `leaseMs`. One statement:
   * rows another sender is claiming at the same moment are skipped, never taken twice. Index scans
   * only: every e-mail sent leaves a dead "unsent" entry in (sent_at, claimed_until) until vacuum, which
   * the bitmap scan the planner otherwise picks revisits at every sweep.
   */
  async claimDue(limit: number, leaseMs: number): Promise<LeasedNoticeEmail[]> {
    const leasedAt = Date.now();
    const rows = await this.database.queryWithIndexScans<NotificationRow>(CLAIM_DUE, [limit, leaseMs]);
    return rows.map((row) => ({ ...toEmail(row), leaseEndsAt: leasedAt + leaseMs }));
  }

  /** Records that the SMTP server accepted these e-mails; the first time counts. */
  async markSent(ids: string[]): Promise<void> {
    await this.database.execute(MARK_SENT, [ids]);
  }

  /** Counts a failed send and leaves the e-mail to the sweep once `retryInMs` have passed. */
  async recordFailure(id: string, error: string, retryInMs: number): Promise<void> {
    await this.database.execute(RECORD_FAILURE, [id, error, retryInMs]);
  }

  /** Gives up this process's lease on e-mails it will not send (shutting down): the next sweep takes them. */
  async release(ids: string[]): Promise<void> {
    await this.database.execute(RELEASE, [ids]);
  }

  /** Every notice of an order, sent or not, in the order they were recorded. */
  async listForOrder(orderId: string): Promise<ListedNotification[]> {
    return this.prisma.notification.findMany({
      where: { orderId },
      select: { notice: true, recipient: true, subject: true, messageId: true, sentAt: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }
}

function toEmail(row: NotificationRow): NoticeEmail {
  return {
    id: row.id,
    orderId: row.order_id,
    notice: row.notice,
    to: { name: row.recipient_name, address: row.recipient },
    subject: row.subject,
    text: row.text,
    html: row.html,
    messageId: row.message_id,
    headers: row.headers,
    attempts: row.attempts,
  };
}
