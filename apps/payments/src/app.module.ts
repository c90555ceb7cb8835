import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { MetricsModule, provideErrorCodes } from '@loja/service-kit';
import { PAYMENTS_CONFIG, type PaymentsConfig } from './config/payments.config';
import { PAYMENTS_ERROR_CODES } from './errors';
import { ChargeOrderOnEstoqueReservado } from './payments/charge-order/charge-order.handler';
import { ChargeOrderService } from './payments/charge-order/charge-order.service';
import { SimulatedGateway } from './payments/gateway/simulated-gateway';
import { ListPaymentsController } from './payments/list-payments/list-payments.http.controller';
import { PaymentIntentRepository } from './payments/payment-intent.repository';
import { PaymentRepository } from './payments/payment.repository';
import { RefundPaymentOnPedidoCancelado } from './payments/refund-payment/refund-payment.handler';
import { RefundPaymentService } from './payments/refund-payment/refund-payment.service';
import { RecordPaymentDetailsOnPedidoCriado } from './payments/record-payment-details/record-payment-details.handler';
import { PrismaModule } from './prisma/prisma.module';

@Module({
  imports: [
    PrismaModule,
    MetricsModule.forRoot({ service: 'payments' }),
    MessagingModule.forRoot(messagingOptionsFromEnv({ service: 'payments' })),
  ],
  controllers: [ListPaymentsController],
  providers: [
    provideErrorCodes(PAYMENTS_ERROR_CODES),
    {
      provide: SimulatedGateway,
      inject: [PAYMENTS_CONFIG],
      useFactory: (config: PaymentsConfig) =>
        new SimulatedGateway({
          amountLimitCents: config.PAYMENTS_AMOUNT_LIMIT_CENTS,
          flakyFailures: config.PAYMENTS_FLAKY_FAILURES,
        }),
    },
    PaymentIntentRepository,
    PaymentRepository,
    RecordPaymentDetailsOnPedidoCriado,
    ChargeOrderService,
    ChargeOrderOnEstoqueReservado,
    RefundPaymentService,
    RefundPaymentOnPedidoCancelado,
  ],
})
export class AppModule {}
