import { Module } from '@nestjs/common';
import { MessagingModule, messagingOptionsFromEnv } from '@loja/messaging';
import { MetricsModule, provideErrorCodes } from '@loja/service-kit';
import { INVENTORY_ERROR_CODES } from './errors';
import { PrismaModule } from './prisma/prisma.module';
import { ProductAnnouncer } from './products/announce-products/product-announcer.service';
import { ListProductsController } from './products/list-products/list-products.http.controller';
import { ProductChanges } from './products/product-changes.service';
import { StockLedger } from './products/stock-ledger.service';
import { ProductRepository } from './products/product.repository';
import { RestockProductController } from './products/restock-product/restock-product.http.controller';
import { RestockProductService } from './products/restock-product/restock-product.service';
import { SeedCatalogService } from './products/seed-catalog/seed-catalog.service';
import { CommitStockOnPagamentoAprovado } from './reservations/commit-stock/commit-stock.handler';
import { CommitStockService } from './reservations/commit-stock/commit-stock.service';
import { ReleaseStockOnCompensation } from './reservations/release-stock/release-stock.handler';
import { ReleaseStockService } from './reservations/release-stock/release-stock.service';
import { ReservationRepository } from './reservations/reservation.repository';
import { ReserveStockOnPedidoCriado } from './reservations/reserve-stock/reserve-stock.handler';
import { ReserveStockService } from './reservations/reserve-stock/reserve-stock.service';

@Module({
  imports: [
    PrismaModule,
    MetricsModule.forRoot({ service: 'inventory' }),
    MessagingModule.forRoot(messagingOptionsFromEnv({ service: 'inventory' })),
  ],
  controllers: [ListProductsController, RestockProductController],
  providers: [
    provideErrorCodes(INVENTORY_ERROR_CODES),
    ProductRepository,
    ProductChanges,
    ProductAnnouncer,
    StockLedger,
    SeedCatalogService,
    RestockProductService,
    ReservationRepository,
    ReserveStockService,
    ReserveStockOnPedidoCriado,
    CommitStockService,
    CommitStockOnPagamentoAprovado,
    ReleaseStockService,
    ReleaseStockOnCompensation,
  ],
})
export class AppModule {}
