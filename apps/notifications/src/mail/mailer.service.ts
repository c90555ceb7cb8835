import { connect, type Socket } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config/notifications.config';
import { addressOf, mimeMessage } from './mime-message';

export interface OutgoingEmail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Notifications' are `<orderId.notice@loja>`: every copy of a notice carries the same one. */
  messageId: string;
  /** Extra headers (Notifications': `X-Loja-Order-Id`, `X-Loja-Notice`). */
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
    const connection = parseConnectionUrl(config.SMTP_URL);
    this.transport = nodemailer.createTransport({
      ...connection,
      // Plain connections (STARTTLS still upgrades them) without Nagle's algorithm: an e-mail's last
      // segment otherwise waits for the server's delayed ACK, about 40 ms per e-mail on a pooled
      // connection (measured: 22 e-mails/s per connection with it, 140 without).
      ...(connection.secure ? {} : { getSocket: openWithoutDelay }),
      pool: true,
      maxConnections: config.SMTP_MAX_CONNECTIONS,
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
    });
  }

  /** Resolves once the SMTP server accepted the e-mail; rejects otherwise. */
  async send(email: OutgoingEmail): Promise<void> {
    const info = await this.transport.sendMail({
      envelope: { from: addressOf(this.from), to: [email.to.address] },
      raw: mimeMessage({ ...email, from: this.from }),
    });
    if (info.rejected.length) throw new Error(`SMTP server rejected ${info.rejected.length} recipient(s)`);
  }

  /** Closes the pooled connections; NoticeDispatcher calls it once its last send has ended. */
  close(): void {
    this.transport.close();
    this.logger.log({ msg: 'smtp transport closed' });
  }
}

/** nodemailer's `getSocket`: a TCP connection to the SMTP server with TCP_NODELAY set. */
function openWithoutDelay(
  options: { host?: string; port?: number },
  callback: (error: Error | null, socketOptions?: { connection: Socket }) => void,
): void {
  const socket = connect(options.port ?? 25, options.host ?? 'localhost');
  socket.setNoDelay(true);
  const failed = (error: Error) => callback(error);
  socket.once('error', failed);
  socket.once('connect', () => {
    socket.off('error', failed);
    callback(null, { connection: socket });
  });
}
