import { Module } from '@nestjs/common';
import { INVENTORY_CONFIG, inventoryConfigFromEnv } from '../config/inventory.config';
import { PrismaService } from './prisma.service';

@Module({
  providers: [{ provide: INVENTORY_CONFIG, useFactory: () => inventoryConfigFromEnv() }, PrismaService],
  exports: [PrismaService, INVENTORY_CONFIG],
})
export class PrismaModule {}
