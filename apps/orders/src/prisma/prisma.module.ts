import { Module } from '@nestjs/common';
import { ORDERS_CONFIG, ordersConfigFromEnv } from '../config/orders.config';
import { PrismaService } from './prisma.service';

@Module({
  providers: [{ provide: ORDERS_CONFIG, useFactory: () => ordersConfigFromEnv() }, PrismaService],
  exports: [PrismaService, ORDERS_CONFIG],
})
export class PrismaModule {}
