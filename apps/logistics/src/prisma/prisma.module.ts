import { Module } from '@nestjs/common';
import { LOGISTICS_CONFIG, logisticsConfigFromEnv } from '../config/logistics.config';
import { PrismaService } from './prisma.service';

@Module({
  providers: [{ provide: LOGISTICS_CONFIG, useFactory: () => logisticsConfigFromEnv() }, PrismaService],
  exports: [PrismaService, LOGISTICS_CONFIG],
})
export class PrismaModule {}
