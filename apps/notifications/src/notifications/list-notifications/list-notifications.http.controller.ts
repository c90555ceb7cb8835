import { Controller, Get, Query } from '@nestjs/common';
import { parseRequest } from '@loja/service-kit';
import { z } from 'zod';
import { NotificationRepository } from '../notification.repository';

const ListNotificationsQuery = z.strictObject({ orderId: z.uuid() });

/** What the customer of an order was sent, oldest first. */
@Controller('notifications')
export class ListNotificationsController {
  constructor(private readonly notifications: NotificationRepository) {}

  @Get()
  async list(@Query() query: unknown) {
    const { orderId } = parseRequest(ListNotificationsQuery, query);
    const sent = await this.notifications.listForOrder(orderId);
    return sent.map((n) => ({
      notice: n.notice,
      recipient: n.recipient,
      subject: n.subject,
      messageId: n.messageId,
      sentAt: n.sentAt.toISOString(),
    }));
  }
}
