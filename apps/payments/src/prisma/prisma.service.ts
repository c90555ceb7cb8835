import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabasePool } from '@loja/messaging';
import { PrismaPg } from '@prisma/adapter-pg';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../config/payments.config';
import { PrismaClient } from '../generated/prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(PAYMENTS_CONFIG) config: PaymentsConfig) {
    super({
      adapter: new PrismaPg(createDatabasePool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, 'payments'), {
        disposeExternalPool: true,
      }),
    });
  }

  // After messaging has drained in-flight handlers (beforeApplicationShutdown), not before.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
