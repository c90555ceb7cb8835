import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { createDatabasePool } from '@loja/messaging';
import { PrismaPg } from '@prisma/adapter-pg';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config/notifications.config';
import { PrismaClient } from '../generated/prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnApplicationShutdown {
  constructor(@Inject(NOTIFICATIONS_CONFIG) config: NotificationsConfig) {
    super({
      adapter: new PrismaPg(createDatabasePool(config.DATABASE_URL, config.DATABASE_POOL_SIZE, 'notifications'), {
        disposeExternalPool: true,
      }),
    });
  }

  // After messaging has drained in-flight handlers (beforeApplicationShutdown), not before.
  async onApplicationShutdown(): Promise<void> {
    await this.$disconnect();
  }
}
