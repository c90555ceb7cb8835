import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { RabbitManagement } from '@loja/provisioning';
import { Observable, Subject } from 'rxjs';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { OrderRepository } from '../orders/order.repository';
import type { FlowSnapshot, QueueActivity } from './flow-snapshot';
import { sagaGraph, type SagaGraph } from './saga-graph';

/** How many of the latest orders the page lists. */
const LATEST_ORDERS = 15;

/**
 * The flow page's one source of live data. While at least one viewer is connected it refreshes every
 * FLOW_REFRESH_INTERVAL_MS: one request to the management API and one query of Orders' tables, the
 * same snapshot going to every viewer. With no viewer it does nothing at all. The saga's per-message
 * path is not touched: everything is read from what the store already keeps.
 */
@Injectable()
export class FlowFeed implements OnApplicationShutdown {
  private readonly logger = new Logger(FlowFeed.name);
  readonly graph: SagaGraph = sagaGraph();
  private readonly broker: RabbitManagement;
  private readonly vhost: string;
  private readonly snapshots = new Subject<FlowSnapshot>();
  private latest: FlowSnapshot | undefined;
  private viewers = 0;
  private timer: NodeJS.Timeout | undefined;
  private brokerFailing = false;

  constructor(
    private readonly orders: OrderRepository,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
  ) {
    this.broker = new RabbitManagement(config.RABBITMQ_MANAGEMENT_URL);
    this.vhost = decodeURIComponent(new URL(config.RABBITMQ_URL).pathname.slice(1)) || '/';
  }

  get refreshIntervalMs(): number {
    return this.config.FLOW_REFRESH_INTERVAL_MS;
  }

  /** Snapshots for one viewer: the latest at once, then each refresh; the feed runs while anyone watches. */
  watch(): Observable<FlowSnapshot> {
    return new Observable<FlowSnapshot>((viewer) => {
      const subscription = this.snapshots.subscribe(viewer);
      if (this.latest) viewer.next(this.latest);
      if (this.viewers++ === 0) this.schedule(0);
      return () => {
        subscription.unsubscribe();
        if (--this.viewers === 0) this.stop();
      };
    });
  }

  onApplicationShutdown(): void {
    this.stop();
    this.snapshots.complete();
  }

  /** The next refresh, `delayMs` from now: never two at once, however slow the broker or the database. */
  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => void this.refresh(), delayMs);
    this.timer.unref();
  }

  private stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    const started = Date.now();
    try {
      this.latest = await this.snapshot();
      this.snapshots.next(this.latest);
    } catch (error) {
      this.logger.warn({ msg: 'flow page: could not read the timeline', error: (error as Error).message });
    }
    if (this.viewers > 0) this.schedule(Math.max(0, this.refreshIntervalMs - (Date.now() - started)));
  }

  private async snapshot(): Promise<FlowSnapshot> {
    const [activity, queues] = await Promise.all([
      this.orders.recentActivity(LATEST_ORDERS),
      this.queueActivity().then(
        (value) => ({ value, error: null }),
        (error: Error) => ({ value: null, error: error.message }),
      ),
    ]);
    if (queues.error !== null) {
      if (!this.brokerFailing) this.logger.warn({ msg: 'flow page: management API unavailable', error: queues.error });
    }
    this.brokerFailing = queues.error !== null;
    return {
      at: new Date().toISOString(),
      events: activity.events.map((e) => ({
        type: e.type,
        lastMinute: Number(e.lastMinute),
        perSecond: Number(e.last10s) / 10,
      })),
      orders: activity.orders,
      queues: queues.value,
      brokerError:
        queues.error &&
        `RabbitMQ management API (${this.config.RABBITMQ_MANAGEMENT_URL.replace(/\/\/[^@]*@/, '//')}): ${queues.error}`,
    };
  }

  /** The saga's consumer queues with their DLQs, from one request for all the vhost's queues. */
  private async queueActivity(): Promise<QueueActivity[]> {
    const stats = new Map((await this.broker.queueStats(this.vhost)).map((q) => [q.name, q]));
    return this.graph.queues.map((queue) => {
      const { name: _name, ...own } = stats.get(queue.name) ?? emptyStats;
      return {
        ...own,
        name: queue.name,
        service: queue.service,
        deadLetterQueue: queue.deadLetterQueue,
        deadLettered: stats.get(queue.deadLetterQueue)?.messages ?? 0,
      };
    });
  }
}

const emptyStats = {
  name: '',
  messages: 0,
  messagesReady: 0,
  messagesUnacknowledged: 0,
  consumers: 0,
  published: 0,
  publishRate: 0,
  deliverRate: 0,
  ackRate: 0,
  redeliverRate: 0,
};
