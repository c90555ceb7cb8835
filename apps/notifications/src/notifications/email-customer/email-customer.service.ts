import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AnyEvent } from '@loja/contracts';
import { EventArrivedEarlyError, type SqlTransaction } from '@loja/messaging';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../../config/notifications.config';
import { noticeMessageId, type NoticeFacts } from '../../notices/notice';
import { renderNotice } from '../../notices/render-notice';
import { NotificationRepository, type NotificationDraft } from '../notification.repository';
import { OrderContactRepository, type OrderContact } from '../order-contact.repository';
import { NoticeDispatcher } from '../send-notices/notice-dispatcher.service';

/**
 * Records one notice about an order for its customer, at most once per (order, notice), whatever is
 * redelivered. Runs in the handler's transaction and only writes: the whole e-mail goes into the
 * outbox (the notification row), leased to this process, and once the transaction has committed the
 * NoticeDispatcher sends it. A rolled-back transaction (a batch one of whose messages failed) leaves
 * neither the row nor a send behind, so handling the message again cannot send the e-mail twice.
 */
@Injectable()
export class EmailCustomerService {
  private readonly logger = new Logger(EmailCustomerService.name);

  constructor(
    private readonly contacts: OrderContactRepository,
    private readonly notifications: NotificationRepository,
    private readonly dispatcher: NoticeDispatcher,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {}

  /** Keeps whom to write to about an order (the first contact given wins), for this transaction too. */
  async rememberContact(tx: SqlTransaction, contact: { orderId: string; customerName: string; email: string }) {
    const known = await this.contactsIn(tx);
    if (known.has(contact.orderId)) return;
    known.set(contact.orderId, { ...contact, createdAt: new Date() });
    this.contacts.remember(tx, contact);
  }

  /**
   * Records the notice's e-mail; the e-mails of the whole transaction are recorded in one statement
   * just before COMMIT, and those recorded (not there already) are sent once it has committed.
   */
  async execute(tx: SqlTransaction, event: AnyEvent, orderId: string, facts: NoticeFacts): Promise<void> {
    const known = await this.contactsIn(tx);
    const contact = known.get(orderId) ?? (await this.contacts.find(tx, orderId));
    // The order's PedidoCriado has not been handled yet: retrying later will find the contact.
    if (!contact)
      throw new EventArrivedEarlyError(`no contact for order ${orderId} yet (PedidoCriado not handled so far)`);

    const email = renderNotice({ orderId, customerName: contact.customerName }, facts);
    const draft: NotificationDraft = {
      orderId,
      notice: facts.notice,
      eventId: event.id,
      to: { name: contact.customerName, address: contact.email },
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: noticeMessageId(orderId, facts.notice),
      headers: { 'X-Loja-Order-Id': orderId, 'X-Loja-Notice': facts.notice },
    };
    tx.writeBeforeCommit(RECORD_NOTICES, draft, async (drafts) => {
      const recorded = await this.notifications.recordMany(tx, drafts, this.config.NOTIFICATIONS_SEND_LEASE_MS);
      if (recorded.length < drafts.length) {
        this.logger.debug({ msg: 'notices already recorded, nothing to do', count: drafts.length - recorded.length });
      }
      for (const leased of recorded) tx.afterCommit(() => this.dispatcher.dispatch(leased));
    });
  }

  /**
   * The contacts of the orders of every event the transaction handles, read in one statement on its
   * first notice (a batch of notices costs one lookup, not one each).
   */
  private async contactsIn(tx: SqlTransaction): Promise<Map<string, OrderContact>> {
    const loaded = tx.local<{ contacts?: Promise<Map<string, OrderContact>> }>(CONTACTS, () => ({}));
    loaded.contacts ??= this.contacts.findMany(
      tx,
      tx.eventsHandled.map((handled) => handled.correlationId),
    );
    return loaded.contacts;
  }
}

const CONTACTS = 'notifications.contacts';
const RECORD_NOTICES = 'notifications.record-notices';
