import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabasePool } from '@loja/messaging';
import { PrismaPg } from '@prisma/adapter-pg';
import { INVENTORY_CONFIG, type InventoryConfig } from '../config/inventory.config';
import { PrismaClient } from '../generated/prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(INVENTORY_CONFIG) config: InventoryConfig) {
    super({
      adapter: new PrismaPg(createDatabasePool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, 'inventory'), {
        disposeExternalPool: true,
      }),
    });
  }

  // After messaging has drained in-flight handlers (beforeApplicationShutdown), not before.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
