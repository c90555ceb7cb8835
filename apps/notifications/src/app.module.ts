import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { MetricsModule, provideErrorCodes } from '@loja/service-kit';
import { NOTIFICATIONS_ERROR_CODES } from './errors';
import { Mailer } from './mail/mailer.service';
import { EmailCustomerService } from './notifications/email-customer/email-customer.service';
import { EmailCustomerOnCancelamentoRecusado } from './notifications/email-customer/cancelamento-recusado.handler';
import { EmailCustomerOnPagamentoCancelado } from './notifications/email-customer/pagamento-cancelado.handler';
import { EmailCustomerOnPagamentoEstornado } from './notifications/email-customer/pagamento-estornado.handler';
import { EmailCustomerOnPagamentoAprovado } from './notifications/email-customer/pagamento-aprovado.handler';
import { EmailCustomerOnPedidoCancelado } from './notifications/email-customer/pedido-cancelado.handler';
import { EmailCustomerOnPedidoCriado } from './notifications/email-customer/pedido-criado.handler';
import { EmailCustomerOnPedidoEnviado } from './notifications/email-customer/pedido-enviado.handler';
import { ListNotificationsController } from './notifications/list-notifications/list-notifications.http.controller';
import { NotificationRepository } from './notifications/notification.repository';
import { OrderContactRepository } from './notifications/order-contact.repository';
import { NoticeDispatcher } from './notifications/send-notices/notice-dispatcher.service';
import { PrismaModule } from './prisma/prisma.module';

@Module({
  imports: [
    PrismaModule,
    MetricsModule.forRoot({ service: 'notifications' }),
    MessagingModule.forRoot(messagingOptionsFromEnv({ service: 'notifications' })),
  ],
  controllers: [ListNotificationsController],
  providers: [
    provideErrorCodes(NOTIFICATIONS_ERROR_CODES),
    Mailer,
    OrderContactRepository,
    NotificationRepository,
    NoticeDispatcher,
    EmailCustomerService,
    EmailCustomerOnPedidoCriado,
    EmailCustomerOnPagamentoAprovado,
    EmailCustomerOnPedidoEnviado,
    EmailCustomerOnPedidoCancelado,
    EmailCustomerOnPagamentoEstornado,
    EmailCustomerOnPagamentoCancelado,
    EmailCustomerOnCancelamentoRecusado,
  ],
})
export class AppModule {}
