import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { createAmqpConnection } from './amqp-connection.factory';
import { EventConsumers, TRANSACTION_RUNNER } from './consume/event-consumers.service';
import { DatabasePool } from './database-pool';
import { HealthController } from './health/health.controller';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { OutboxService } from './outbox/outbox.service';

/**
 * Everything a service needs to take part in the event flow: `OutboxService` to publish in its own
 * transactions, `@HandleEvent` handlers discovered and consumed with inbox, retry and DLQ, the relay,
 * and `GET /health`. Import it once, in the service's root module.
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(
    @Inject(AmqpConnection) private readonly amqp: AmqpConnection,
    @Inject(DatabasePool) private readonly pool: DatabasePool,
  ) {}

  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [...(options.imports ?? []), DiscoveryModule],
      controllers: [HealthController],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: TRANSACTION_RUNNER, useExisting: options.prisma },
        { provide: DatabasePool, useFactory: () => DatabasePool.fromOptions(options) },
        { provide: AmqpConnection, useFactory: () => createAmqpConnection(options) },
        OutboxService,
        OutboxRelay,
        EventConsumers,
      ],
      exports: [OutboxService, OutboxRelay, EventConsumers, AmqpConnection, MESSAGING_OPTIONS],
    };
  }

  /** Runs after EventConsumers drained in-flight work and the relay flushed (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.amqp.close().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
