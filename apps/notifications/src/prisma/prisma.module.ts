import { Module } from '@nestjs/common';
import { NOTIFICATIONS_CONFIG, notificationsConfigFromEnv } from '../config/notifications.config';
import { PrismaService } from './prisma.service';

@Module({
  providers: [{ provide: NOTIFICATIONS_CONFIG, useFactory: () => notificationsConfigFromEnv() }, PrismaService],
  exports: [PrismaService, NOTIFICATIONS_CONFIG],
})
export class PrismaModule {}
