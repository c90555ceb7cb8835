import { Inject, Injectable } from '@nestjs/common';
import { CancellationReason } from '@loja/contracts';
import { Counter, Histogram, Registry } from 'prom-client';
import type { OrderState } from '../order';

/**
 * The store's business figures on `GET /metrics`: orders that reached a final status, by status and
 * reason, and how long a shipped order took from being placed to leaving. Recorded by TrackOrderService
 * once per final transition, after the transaction that applied it committed.
 */
@Injectable()
export class OrderMetricsService {
  private readonly shippedOrders: Counter.Internal;
  private readonly cancelledOrders: Map<string, Counter.Internal>;
  private readonly timeToShipped: Histogram;

  constructor(@Inject(Registry) registry: Registry) {
    const finished = new Counter({
      name: 'loja_orders_finished_total',
      help: 'Orders that reached a final status: SHIPPED, or CANCELLED with its reason.',
      labelNames: ['status', 'reason'],
      registers: [registry],
    });
    // Every final status is a series from the start, at 0.
    this.shippedOrders = finished.labels('SHIPPED', '');
    this.shippedOrders.inc(0);
    this.cancelledOrders = new Map(
      CancellationReason.options.map((reason) => {
        const child = finished.labels('CANCELLED', reason);
        child.inc(0);
        return [reason, child];
      }),
    );
    this.timeToShipped = new Histogram({
      name: 'loja_order_time_to_shipped_seconds',
      help: 'From the order being placed to its PedidoEnviado.',
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
      registers: [registry],
    });
  }

  /** An order reached `state`, a final status; `placedAt` and `finishedAt` are when it was placed and left. */
  finished(state: OrderState, placedAt: Date, finishedAt: Date): void {
    if (state.status === 'SHIPPED') {
      this.shippedOrders.inc();
      this.timeToShipped.observe(Math.max(0, finishedAt.getTime() - placedAt.getTime()) / 1000);
    } else if (state.status === 'CANCELLED' && state.cancellationReason) {
      this.cancelledOrders.get(state.cancellationReason)?.inc();
    }
  }
}
