import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Module, type DynamicModule, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { createAmqpConnection } from './amqp-connection.factory';
import { ConsumerStats } from './consume/consumer-stats';
import { DeliveryPipeline } from './consume/delivery-pipeline';
import { EventConsumers } from './consume/event-consumers.service';
import { FailureRouting } from './consume/failure-routing';
import { HandlerRegistry } from './consume/handler-registry';
import { HealthController } from './health/health.controller';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options';
import { OutboxRelay } from './outbox/outbox-relay.service';
import { OutboxService } from './outbox/outbox.service';
import { MessageRetention } from './retention/message-retention.service';
import { Database } from './sql/database';
import { createRelayPool, createTransactionPool, RelayPool, TransactionPool } from './sql/database-pools';
import { Tracing } from './tracing/tracing';

/**
 * Everything a service needs to take part in the event flow: `Database` for its transactions (and
 * `OutboxService` to publish in them), `@HandleEvent` handlers discovered and consumed with inbox,
 * retry and DLQ, the relay, the retention sweep of messaging's tables, `GET /health` (live, ready), and
 * their metrics on the application's prom-client `Registry` (service-kit's MetricsModule provides it).
 * Import it once, in the service's root module.
 */
@Module({})
export class MessagingModule implements OnApplicationShutdown {
  constructor(
    @Inject(AmqpConnection) private readonly amqp: AmqpConnection,
    @Inject(TransactionPool) private readonly transactionPool: TransactionPool,
    @Inject(RelayPool) private readonly relayPool: RelayPool,
  ) {}

  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      // A failed check is logged on one line, as the services' JSON logs are.
      imports: [DiscoveryModule, TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: TransactionPool,
          useFactory: () => createTransactionPool(options.databaseUrl, options.databasePoolSize, options.service),
        },
        { provide: RelayPool, useFactory: () => createRelayPool(options.databaseUrl, options.service) },
        { provide: AmqpConnection, useFactory: () => createAmqpConnection(options) },
        Tracing,
        Database,
        OutboxService,
        OutboxRelay,
        ConsumerStats,
        HandlerRegistry,
        FailureRouting,
        DeliveryPipeline,
        EventConsumers,
        MessageRetention,
      ],
      exports: [
        Database,
        OutboxService,
        OutboxRelay,
        EventConsumers,
        MessageRetention,
        AmqpConnection,
        MESSAGING_OPTIONS,
        Tracing,
      ],
    };
  }

  /** Runs after EventConsumers drained in-flight work and the relay flushed (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.amqp.close().catch(() => undefined);
    await this.transactionPool.end().catch(() => undefined);
    await this.relayPool.end().catch(() => undefined);
  }
}
