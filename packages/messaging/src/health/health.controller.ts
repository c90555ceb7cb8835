import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  type HealthCheckResult,
  type HealthIndicatorResult,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { EventConsumers } from '../consume/event-consumers.service';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { OutboxRelay, type OutboxLag } from '../outbox/outbox-relay.service';
import { RelayPool } from '../sql/database-pools';

/** How long any one check may take before it counts as down. */
const CHECK_TIMEOUT_MS = 2000;

const withTimeout = <T>(work: Promise<T>, ms = CHECK_TIMEOUT_MS): Promise<T> =>
  Promise.race([
    work,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref()),
  ]);

/**
 * Health, with @nestjs/terminus (each check is an entry of `details`, `error` names the failing ones):
 *
 * - `GET /health/live`: liveness, 200 while the process serves HTTP;
 * - `GET /health/ready`, and `GET /health` (compose healthchecks, scripts): readiness, 200 only when the
 *   database answers, the broker connection is up, every consumer is attached, the oldest unpublished
 *   outbox event is younger than HEALTH_OUTBOX_MAX_AGE_MS and no consumer queue holds more than
 *   HEALTH_CONSUMER_MAX_WAITING_MESSAGES ready messages; 503 otherwise. `details` also carries what
 *   operators read there: the outbox backlog, the consumer queues and the consumers' counts.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(RelayPool) private readonly pool: RelayPool,
    private readonly amqp: AmqpConnection,
    private readonly consumers: EventConsumers,
    private readonly relay: OutboxRelay,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get()
  @HealthCheck()
  readiness(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    return this.ready(response);
  }

  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) response: Response): Promise<HealthCheckResult> {
    // One reading of the outbox per call, for the database's backlog and the outbox's age alike.
    const lag = withTimeout(this.relay.lag());
    lag.catch(() => undefined); // each check that reads it reports its failure
    try {
      return await this.health.check([
        () => this.database(lag),
        () => this.broker(),
        () => this.consumerCheck(),
        () => this.outbox(lag),
        () => this.consumerLag(),
      ]);
    } catch (error) {
      // Terminus throws its 503 with the result; answered here so no exception filter rewrites the body.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(error.getStatus());
      return error.getResponse() as HealthCheckResult;
    }
  }

  private async database(lag: Promise<OutboxLag>): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('database');
    try {
      await withTimeout(this.pool.query('SELECT 1'));
      return check.up({ outboxBacklog: (await lag).backlog });
    } catch (error) {
      return check.down({ error: (error as Error).message });
    }
  }

  private async broker(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('broker');
    return this.amqp.managedConnection.isConnected() ? check.up() : check.down({ error: 'not connected' });
  }

  private async consumerCheck(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('consumers');
    const detail = { queues: this.consumers.queueNames, ...this.consumers.stats };
    return this.consumers.isReady ? check.up(detail) : check.down(detail);
  }

  /** The relay keeps up: its oldest unpublished event is younger than the threshold. */
  private async outbox(lag: Promise<OutboxLag>): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('outbox');
    const maxAgeMs = this.options.health.outboxMaxAgeMs;
    try {
      const { backlog, oldestAgeMs } = await lag;
      const detail = { backlog, oldestAgeMs, maxAgeMs };
      if (oldestAgeMs <= maxAgeMs) return check.up(detail);
      return check.down({ ...detail, error: `oldest unpublished event is ${oldestAgeMs} ms old (max ${maxAgeMs})` });
    } catch (error) {
      return check.down({ maxAgeMs, error: (error as Error).message });
    }
  }

  /** The consumers keep up: no queue of this service holds more ready messages than the threshold. */
  private async consumerLag(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('consumerLag');
    const maxWaitingMessages = this.options.health.consumerMaxWaitingMessages;
    try {
      const waiting = await withTimeout(this.consumers.waitingMessages());
      const detail = { waiting, maxWaitingMessages };
      const behind = Object.entries(waiting).filter(([, count]) => count > maxWaitingMessages);
      if (behind.length === 0) return check.up(detail);
      const names = behind.map(([queue, count]) => `${queue} (${count})`).join(', ');
      return check.down({ ...detail, error: `more than ${maxWaitingMessages} messages waiting in ${names}` });
    } catch (error) {
      return check.down({ maxWaitingMessages, error: (error as Error).message });
    }
  }
}
