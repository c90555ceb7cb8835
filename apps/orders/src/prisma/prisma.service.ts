import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabasePool } from '@loja/messaging';
import { PrismaPg } from '@prisma/adapter-pg';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { PrismaClient } from '../generated/prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(ORDERS_CONFIG) config: OrdersConfig) {
    super({
      adapter: new PrismaPg(createDatabasePool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, 'orders'), {
        disposeExternalPool: true,
      }),
    });
  }

  // After messaging has drained in-flight handlers (beforeApplicationShutdown), not before.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
