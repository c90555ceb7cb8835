import { Injectable, Logger } from '@nestjs/common';
import type { AnyEvent } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import { Mailer } from '../../mail/mailer.service';
import { noticeMessageId, type NoticeFacts } from '../../notices/notice';
import { renderNotice } from '../../notices/render-notice';
import { NotificationRepository } from '../notification.repository';
import { OrderContactRepository } from '../order-contact.repository';

/** The order's PedidoCriado has not been handled yet: retrying later will find the contact. */
export class ContactNotKnownYetError extends Error {
  constructor(orderId: string) {
    super(`no contact for order ${orderId} yet (PedidoCriado not handled so far)`);
    this.name = new.target.name;
  }
}

/**
 * Sends one notice about an order to its customer, at most once per (order, notice), whatever is
 * redelivered. Runs in the handler's transaction: the Notification row is claimed first, stamped with
 * the send time (so a concurrent copy of the same fact waits for this one), then the e-mail is sent; a
 * failed send throws and rolls the claim back, so the retry sends it again.
 */
@Injectable()
export class EmailCustomerService {
  private readonly logger = new Logger(EmailCustomerService.name);

  constructor(
    private readonly contacts: OrderContactRepository,
    private readonly notifications: NotificationRepository,
    private readonly mailer: Mailer,
  ) {}

  async execute(tx: SqlTransaction, event: AnyEvent, orderId: string, facts: NoticeFacts): Promise<void> {
    const context = { orderId, eventId: event.id, notice: facts.notice };
    const contact = await this.contacts.find(tx, orderId);
    if (!contact) throw new ContactNotKnownYetError(orderId);

    const email = renderNotice({ orderId, customerName: contact.customerName }, facts);
    const messageId = noticeMessageId(orderId, facts.notice);
    const claimed = await this.notifications.claim(tx, {
      orderId,
      notice: facts.notice,
      eventId: event.id,
      recipient: contact.email,
      subject: email.subject,
      messageId,
    });
    if (!claimed) {
      this.logger.log({ msg: 'notice already sent, nothing to do', ...context });
      return;
    }

    await this.mailer.send({
      to: { name: contact.customerName, address: contact.email },
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId,
      headers: { 'X-Loja-Order-Id': orderId, 'X-Loja-Notice': facts.notice },
    });
    this.logger.debug({ msg: 'e-mail sent', ...context, messageId });
  }
}
