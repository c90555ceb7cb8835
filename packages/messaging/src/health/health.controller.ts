import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { EventConsumers } from '../consume/event-consumers.service';
import { RelayPool } from '../sql/database-pools';
import { OutboxRelay } from '../outbox/outbox-relay.service';

type Check = { status: 'up' | 'down'; [detail: string]: unknown };

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T> =>
  Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);

/**
 * `GET /health`: readiness, 200 only when the service's database answers, the broker connection is up
 * and every consumer is attached; 503 with the failing check otherwise. `GET /health/live`: liveness,
 * 200 while the process serves HTTP.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(RelayPool) private readonly pool: RelayPool,
    private readonly amqp: AmqpConnection,
    private readonly consumers: EventConsumers,
    private readonly relay: OutboxRelay,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get()
  async ready(
    @Res({ passthrough: true }) response: Response,
  ): Promise<{ status: string; checks: Record<string, Check> }> {
    const [database, broker, consumers] = await Promise.all([this.database(), this.broker(), this.consumerCheck()]);
    const checks = { database, broker, consumers };
    const healthy = Object.values(checks).every((check) => check.status === 'up');
    response.status(healthy ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: healthy ? 'ok' : 'unavailable', checks };
  }

  private async database(): Promise<Check> {
    try {
      await withTimeout(this.pool.query('SELECT 1'), 2000);
      return { status: 'up', outboxBacklog: await withTimeout(this.relay.backlog(), 2000) };
    } catch (error) {
      return { status: 'down', error: (error as Error).message };
    }
  }

  private async broker(): Promise<Check> {
    return this.amqp.managedConnection.isConnected() ? { status: 'up' } : { status: 'down', error: 'not connected' };
  }

  private async consumerCheck(): Promise<Check> {
    return {
      status: this.consumers.isReady ? 'up' : 'down',
      queues: this.consumers.queueNames,
      ...this.consumers.stats,
    };
  }
}
