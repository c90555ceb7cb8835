import { Controller, Get, Query } from '@nestjs/common';
import { parseRequest } from '@loja/service-kit';
import { z } from 'zod';
import { NotificationRepository } from '../notification.repository';

const ListNotificationsQuery = z.strictObject({ orderId: z.uuid() });

/**
 * The notices of an order, oldest first, sent or still waiting to be sent: `status` is `sent` (with
 * `sentAt`) or `pending` (`sentAt: null`; SMTP has not accepted it yet).
 */
@Controller('notifications')
export class ListNotificationsController {
  constructor(private readonly notifications: NotificationRepository) {}

  @Get()
  async list(@Query() query: unknown) {
    const { orderId } = parseRequest(ListNotificationsQuery, query);
    const notices = await this.notifications.listForOrder(orderId);
    return notices.map((n) => ({
      notice: n.notice,
      status: n.sentAt ? ('sent' as const) : ('pending' as const),
      recipient: n.recipient,
      subject: n.subject,
      messageId: n.messageId,
      sentAt: n.sentAt?.toISOString() ?? null,
    }));
  }
}
