import { Module } from '@nestjs/common';
import { PAYMENTS_CONFIG, paymentsConfigFromEnv } from '../config/payments.config';
import { PrismaService } from './prisma.service';

@Module({
  providers: [{ provide: PAYMENTS_CONFIG, useFactory: () => paymentsConfigFromEnv() }, PrismaService],
  exports: [PrismaService, PAYMENTS_CONFIG],
})
export class PrismaModule {}
