import type { Notice } from '../notices/notice';

/**
 * One e-mail of the outbox (a `notification` row not sent yet), with everything SMTP needs: recorded
 * whole in the handler's transaction, so sending it later needs neither the event nor the contact.
 */
export interface NoticeEmail {
  /** The notification row's id. */
  id: string;
  orderId: string;
  notice: Notice;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** `<orderId.notice@loja>`: every copy of the notice carries the same one. */
  messageId: string;
  /** Extra headers (`X-Loja-Order-Id`, `X-Loja-Notice`). */
  headers: Record<string, string>;
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
}
