import type { OutgoingEmail } from '../mail/mailer.service';
import type { Notice } from '../notices/notice';

/**
 * One e-mail of the outbox (a `notification` row not sent yet), with everything SMTP needs: recorded
 * whole in the handler's transaction, so sending it later needs neither the event nor the contact.
 */
export interface NoticeEmail extends OutgoingEmail {
  /** The notification row's id. */
  id: string;
  orderId: string;
  notice: Notice;
  /** Failed sends so far. */
  attempts: number;
}

/**
 * An e-mail this process owns until `leaseEndsAt` (this process's clock, ms since the epoch): no other
 * sender takes it before then. Measured from just before the statement that set the lease, so it ends
 * no later than the lease in the database, whatever the clocks of the two machines say.
 */
export interface LeasedNoticeEmail extends NoticeEmail {
  leaseEndsAt: number;
  /** The span that recorded it (the handled event's), while tracing is on: its send joins that trace. */
  traceparent?: string | null;
}
