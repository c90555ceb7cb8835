import { Inject, Injectable, Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config/notifications.config';

export interface OutgoingEmail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Record<string, string>;
}

/**
 * The process's one SMTP transport: pooled connections to SMTP_URL, timeouts short enough that a hung
 * server fails the send well inside the e-mail's lease (see NoticeDispatcher).
 */
@Injectable()
export class Mailer {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport: Transporter<SMTPPool.SentMessageInfo, SMTPPool.Options>;
  private readonly from: string;

  constructor(@Inject(NOTIFICATIONS_CONFIG) config: NotificationsConfig) {
    this.from = config.MAIL_FROM;
    this.transport = nodemailer.createTransport({
      ...parseConnectionUrl(config.SMTP_URL),
      pool: true,
      maxConnections: config.SMTP_MAX_CONNECTIONS,
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
    });
  }

  /** Resolves once the SMTP server accepted the e-mail; rejects otherwise. */
  async send(email: OutgoingEmail): Promise<void> {
    const info = await this.transport.sendMail({ ...email, from: this.from });
    if (info.rejected.length) throw new Error(`SMTP server rejected ${info.rejected.length} recipient(s)`);
  }

  /** Closes the pooled connections; NoticeDispatcher calls it once its last send has ended. */
  close(): void {
    this.transport.close();
    this.logger.log({ msg: 'smtp transport closed' });
  }
}
