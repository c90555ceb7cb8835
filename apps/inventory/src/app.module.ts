import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { PrismaModule } from './prisma/prisma.module';
import { ListProductsController } from './products/list-products/list-products.http.controller';
import { ProductChanges } from './products/product-changes';
import { ProductRepository } from './products/product.repository';
import { RestockProductController } from './products/restock-product/restock-product.http.controller';
import { RestockProductService } from './products/restock-product/restock-product.service';
import { SeedCatalogService } from './products/seed-catalog/seed-catalog.service';
import { CommitStockOnPagamentoAprovado } from './reservations/commit-stock/commit-stock.handler';
import { ReleaseStock } from './reservations/release-stock/release-stock.handler';
import { ReservationRepository } from './reservations/reservation.repository';
import { ReserveStockOnPedidoCriado } from './reservations/reserve-stock/reserve-stock.handler';

@Module({
  imports: [PrismaModule, MessagingModule.forRoot(messagingOptionsFromEnv({ service: 'inventory' }))],
  controllers: [ListProductsController, RestockProductController],
  providers: [
    ProductRepository,
    ProductChanges,
    SeedCatalogService,
    RestockProductService,
    ReservationRepository,
    ReserveStockOnPedidoCriado,
    CommitStockOnPagamentoAprovado,
    ReleaseStock,
  ],
})
export class AppModule {}
