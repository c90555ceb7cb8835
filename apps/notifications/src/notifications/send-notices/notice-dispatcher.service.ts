import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { CoalescingWriter, RecurringSweep, Tracing } from '@loja/messaging';
import { NOTIFICATIONS_CONFIG, sendBudgetMs, type NotificationsConfig } from '../../config/notifications.config';
import { Mailer } from '../../mail/mailer.service';
import type { LeasedNoticeEmail } from '../notice-email';
import { NotificationRepository } from '../notification.repository';
import { sendRetryDelayMs, type SendRetryPolicy } from './send-retry-delay';

/** Least time between two "sent" statements. */
const MARK_INTERVAL_MS = 100;

/**
 * Most e-mails waiting here for a free connection. Past it (SMTP slower than the events coming in), an
 * e-mail is handed back to the table at once, and the sweep takes it when there is room: memory stays
 * bounded and no lease has to run out first.
 */
const MAX_WAITING = 1000;

/**
 * Sends the e-mails of the outbox over SMTP, after the commit that recorded them:
 *
 * - `dispatch(email)`, called once the handler's transaction committed, sends it right away (the
 *   handler leased it to this process, so no sweep takes it meanwhile);
 * - a sweep every NOTIFICATIONS_SWEEP_INTERVAL_MS (and one at start) claims unsent e-mails whose lease
 *   ran out (the process that recorded them died before sending, or their last send failed and its
 *   back-off is over), FOR UPDATE SKIP LOCKED: replicas never take the same e-mail at once;
 * - at most SMTP_MAX_CONNECTIONS sends run at once, and at most MAX_WAITING e-mails wait for one; a
 *   send starts only while enough of its lease remains for it to end before the lease does,
 *   otherwise it is left to the sweep;
 * - a sent e-mail is marked `sent_at` (the marks of sends that end together go in one statement); a
 *   failed one counts the attempt and waits a growing back-off before the sweep takes it again.
 *
 * SMTP and the database cannot commit together: a crash between the server's "accepted" and the mark
 * sends the e-mail again later, with the same Message-ID (at least once, never lost).
 */
@Injectable()
export class NoticeDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(NoticeDispatcher.name);
  private readonly maxSends: number;
  private readonly leaseMs: number;
  private readonly budgetMs: number;
  private readonly retryPolicy: SendRetryPolicy;
  /** E-mails this process owns and has not finished with (waiting or being sent), by id. */
  private readonly held = new Map<string, LeasedNoticeEmail>();
  /** Those of them waiting for a free connection, oldest first. */
  private waiting: LeasedNoticeEmail[] = [];
  private readonly sends = new Set<Promise<void>>();
  private readonly sentMarks: CoalescingWriter<string>;
  /** Leases given up (queue full, shutting down), released together. */
  private readonly handedBack: CoalescingWriter<string>;
  private readonly sweeps: RecurringSweep;
  /** The last sweep took as many as it asked for: more may be due. */
  private moreDue = false;
  private closed = false;

  constructor(
    private readonly notifications: NotificationRepository,
    private readonly mailer: Mailer,
    private readonly tracing: Tracing,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.maxSends = config.SMTP_MAX_CONNECTIONS;
    this.leaseMs = config.NOTIFICATIONS_SEND_LEASE_MS;
    this.budgetMs = sendBudgetMs(config);
    this.retryPolicy = {
      initialDelayMs: config.NOTIFICATIONS_RETRY_INITIAL_DELAY_MS,
      maxDelayMs: config.NOTIFICATIONS_RETRY_MAX_DELAY_MS,
    };
    this.sentMarks = new CoalescingWriter(
      (ids) => this.notifications.markSent(ids),
      // The e-mails went out but stay unsent in the table: once their lease ends they are sent again.
      (error, ids) => this.logger.warn({ msg: 'could not mark e-mails sent', count: ids.length, error: error.message }),
      // Each mark is a durable commit: let a few hundred milliseconds of sends share one.
      MARK_INTERVAL_MS,
    );
    this.handedBack = new CoalescingWriter(
      (ids) => this.notifications.release(ids),
      // They stay leased to this process until the lease ends; a sweep takes them then.
      (error, ids) =>
        this.logger.warn({ msg: 'could not release unsent e-mails', count: ids.length, error: error.message }),
    );
    this.sweeps = new RecurringSweep(() => this.sweep(), config.NOTIFICATIONS_SWEEP_INTERVAL_MS);
  }

  onApplicationBootstrap(): void {
    this.sweeps.start();
  }

  /**
   * Runs before messaging drains its consumers: no more sweeps (the one running ends), while the
   * e-mails of the last handlers, dispatched after their commits during the drain, are still sent.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.sweeps.stop();
  }

  /**
   * After the consumers drained, before messaging closes the database pool: the sends in flight end and
   * are marked, the e-mails still waiting are handed back (lease released, for the next sweep of any
   * replica), then the SMTP transport closes.
   */
  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    for (const email of this.waiting) this.handBack(email);
    this.waiting = [];
    while (this.sends.size > 0) await Promise.allSettled([...this.sends]);
    await this.sentMarks.flushed();
    await this.handedBack.flushed();
    this.mailer.close();
  }

  /** Sends an e-mail this process leased (after the commit that recorded it). */
  dispatch(email: LeasedNoticeEmail): void {
    if (this.closed) return; // its lease ends and a sweep sends it
    const held = this.held.get(email.id);
    if (held) {
      // Claimed again while still waiting here (its lease had run out): one copy, the new lease.
      held.leaseEndsAt = Math.max(held.leaseEndsAt, email.leaseEndsAt);
      return;
    }
    if (this.waiting.length >= MAX_WAITING) {
      this.moreDue = true; // the pump asks for a sweep once its queue ran dry
      this.handedBack.add(email.id);
      return;
    }
    // Called after the commit of the handler that recorded it, in that handler's trace.
    email.traceparent = this.tracing.activeTraceparent();
    this.held.set(email.id, email);
    this.waiting.push(email);
    this.pump();
  }

  /** Gives up the lease of a waiting e-mail, unless it has run out already (then it is not ours to give). */
  private handBack(email: LeasedNoticeEmail): void {
    this.held.delete(email.id);
    if (email.leaseEndsAt > Date.now()) this.handedBack.add(email.id);
  }

  /** Starts sends while connections are free; asks for a sweep when the queue ran dry and more is due. */
  private pump(): void {
    while (this.sends.size < this.maxSends && this.waiting.length > 0) {
      const email = this.waiting.shift()!;
      if (Date.now() + this.budgetMs > email.leaseEndsAt) {
        // Too little lease left to be sure the send ends inside it: a sweep claims it anew.
        this.handBack(email);
        this.moreDue = true;
        continue;
      }
      this.send(email);
    }
    if (this.waiting.length === 0 && this.moreDue) this.sweeps.request();
  }

  private send(email: LeasedNoticeEmail): void {
    const sending = this.tracing
      .continueTrace(
        email.traceparent,
        'send e-mail',
        () =>
          this.mailer.send({
            to: email.to,
            subject: email.subject,
            text: email.text,
            html: email.html,
            messageId: email.messageId,
            headers: email.headers,
          }),
        { 'loja.order.id': email.orderId, 'loja.notice': email.notice },
      )
      .then(
        () => {
          this.sentMarks.add(email.id);
          this.logger.debug({ msg: 'e-mail sent', orderId: email.orderId, notice: email.notice });
        },
        (error: Error) => this.failed(email, error),
      )
      .finally(() => {
        this.held.delete(email.id);
        this.sends.delete(sending);
        if (!this.closed) this.pump();
      });
    this.sends.add(sending);
  }

  private async failed(email: LeasedNoticeEmail, error: Error): Promise<void> {
    const attempts = email.attempts + 1;
    const retryInMs = sendRetryDelayMs(attempts, this.retryPolicy);
    this.logger.warn({
      msg: 'e-mail not sent, will retry',
      orderId: email.orderId,
      notice: email.notice,
      attempts,
      retryInMs,
      error: error.message,
    });
    // If this fails too, the e-mail is retried when its lease ends instead.
    await this.notifications
      .recordFailure(email.id, error.message, retryInMs)
      .catch((cause: Error) =>
        this.logger.warn({ msg: 'could not record a failed send', orderId: email.orderId, error: cause.message }),
      );
  }

  /** Claims as many due e-mails as can start soon (twice the connections, less those held already). */
  private async sweep(): Promise<void> {
    const room = 2 * this.maxSends - this.held.size;
    if (room <= 0) {
      this.moreDue = true; // the pump asks again once its queue ran dry
      return;
    }
    let due: LeasedNoticeEmail[];
    try {
      due = await this.notifications.claimDue(room, this.leaseMs);
    } catch (error) {
      // Database unavailable: nothing was claimed, the next sweep tries again.
      this.logger.warn({ msg: 'e-mail sweep failed', error: (error as Error).message });
      return;
    }
    this.moreDue = due.length === room;
    if (due.length > 0) this.logger.debug({ msg: 'unsent e-mails claimed', count: due.length });
    for (const email of due) this.dispatch(email);
  }
}
