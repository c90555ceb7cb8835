import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { MetricsModule, provideErrorCodes } from '@loja/service-kit';
import { LOGISTICS_ERROR_CODES } from './errors';
import { PrismaModule } from './prisma/prisma.module';
import { DecideCancellationOnCancelamentoSolicitado } from './shipments/decide-cancellation/decide-cancellation.handler';
import { DecideCancellationService } from './shipments/decide-cancellation/decide-cancellation.service';
import { ShipmentDispatcher } from './shipments/dispatch-shipments/shipment-dispatcher.service';
import { ListShipmentsController } from './shipments/list-shipments/list-shipments.http.controller';
import { PrepareShipmentOnPagamentoAprovado } from './shipments/prepare-shipment/prepare-shipment.handler';
import { PrepareShipmentService } from './shipments/prepare-shipment/prepare-shipment.service';
import { RecordShippingAddressOnPedidoCriado } from './shipments/record-shipping-address/record-shipping-address.handler';
import { ShipShipmentService } from './shipments/ship-shipment/ship-shipment.service';
import { ShipmentRepository } from './shipments/shipment.repository';
import { ShippingDetailsRepository } from './shipments/shipping-details.repository';

@Module({
  imports: [
    PrismaModule,
    MetricsModule.forRoot({ service: 'logistics' }),
    MessagingModule.forRoot(messagingOptionsFromEnv({ service: 'logistics' })),
  ],
  controllers: [ListShipmentsController],
  providers: [
    provideErrorCodes(LOGISTICS_ERROR_CODES),
    ShippingDetailsRepository,
    ShipmentRepository,
    RecordShippingAddressOnPedidoCriado,
    ShipShipmentService,
    PrepareShipmentService,
    PrepareShipmentOnPagamentoAprovado,
    ShipmentDispatcher,
    DecideCancellationService,
    DecideCancellationOnCancelamentoSolicitado,
  ],
})
export class AppModule {}
