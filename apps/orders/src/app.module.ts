import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { MetricsModule, provideErrorCodes } from '@loja/service-kit';
import { CatalogRepository } from './catalog/catalog.repository';
import { ListProductsController } from './catalog/list-products/list-products.http.controller';
import { ReplicateProductOnProdutoAtualizado } from './catalog/replicate-product/replicate-product.handler';
import { ORDERS_ERROR_CODES } from './errors';
import { CancelOrderController } from './orders/cancel-order/cancel-order.http.controller';
import { CancelOrderService } from './orders/cancel-order/cancel-order.service';
import { FlowFeed } from './flow/flow-feed.service';
import { FlowController } from './flow/flow.http.controller';
import { GetOrderController } from './orders/get-order/get-order.http.controller';
import { ListOrdersController } from './orders/list-orders/list-orders.http.controller';
import { OrderRepository } from './orders/order.repository';
import { PlaceOrderController } from './orders/place-order/place-order.http.controller';
import { PlaceOrderAdmission } from './orders/place-order/place-order-admission.service';
import { PlaceOrderService } from './orders/place-order/place-order.service';
import { TrackOrderOnSagaEvents } from './orders/track-order/track-order.handler';
import { TrackOrderService } from './orders/track-order/track-order.service';
import { OrderMetricsService } from './orders/track-order/order-metrics.service';
import { PrismaModule } from './prisma/prisma.module';

@Module({
  imports: [
    PrismaModule,
    MetricsModule.forRoot({ service: 'orders' }),
    MessagingModule.forRoot(messagingOptionsFromEnv({ service: 'orders' })),
  ],
  controllers: [
    PlaceOrderController,
    ListOrdersController,
    GetOrderController,
    CancelOrderController,
    ListProductsController,
    FlowController,
  ],
  providers: [
    provideErrorCodes(ORDERS_ERROR_CODES),
    CatalogRepository,
    ReplicateProductOnProdutoAtualizado,
    OrderRepository,
    PlaceOrderAdmission,
    PlaceOrderService,
    CancelOrderService,
    TrackOrderService,
    OrderMetricsService,
    TrackOrderOnSagaEvents,
    FlowFeed,
  ],
})
export class AppModule {}
