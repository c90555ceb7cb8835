import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { PrismaModule } from './prisma/prisma.module';
import { PrismaService } from './prisma/prisma.service';
import { ShipmentDispatcher } from './shipments/dispatch-shipments/shipment-dispatcher.service';
import { ListShipmentsController } from './shipments/list-shipments/list-shipments.http.controller';
import { PrepareShipmentOnPagamentoAprovado } from './shipments/prepare-shipment/prepare-shipment.handler';
import { RecordShippingAddressOnPedidoCriado } from './shipments/record-shipping-address/record-shipping-address.handler';
import { ShipmentRepository } from './shipments/shipment.repository';
import { ShippingDetailsRepository } from './shipments/shipping-details.repository';

@Module({
  imports: [
    PrismaModule,
    MessagingModule.forRoot(
      messagingOptionsFromEnv({ service: 'logistics', imports: [PrismaModule], prisma: PrismaService }),
    ),
  ],
  controllers: [ListShipmentsController],
  providers: [
    ShippingDetailsRepository,
    ShipmentRepository,
    RecordShippingAddressOnPedidoCriado,
    PrepareShipmentOnPagamentoAprovado,
    ShipmentDispatcher,
  ],
})
export class AppModule {}
