import { Controller, Get, Inject, Param, Sse, type MessageEvent } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PedidoCriado } from '@loja/contracts';
import { OutboxService, parseTraceparent, traceIdFor } from '@loja/messaging';
import { map, type Observable } from 'rxjs';
import { z } from 'zod';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { OrdersError } from '../errors';
import { OrderRepository } from '../orders/order.repository';
import { FlowFeed } from './flow-feed.service';
import type { FlowSetup, OrderPath } from './flow-snapshot';
import { orderPath, traceUrl } from './order-path';

const OrderId = z.uuid();

/** The flow page's data (the page itself is static, see flow-ui/): the saga, a live feed, one order's path. */
@ApiExcludeController()
@Controller('flow/api')
export class FlowController {
  constructor(
    private readonly feed: FlowFeed,
    private readonly orders: OrderRepository,
    private readonly outbox: OutboxService,
    @Inject(ORDERS_CONFIG) private readonly config: OrdersConfig,
  ) {}

  @Get('setup')
  setup(): FlowSetup {
    return {
      graph: this.feed.graph,
      refreshIntervalMs: this.feed.refreshIntervalMs,
      traceLinks: this.config.FLOW_TRACE_URL !== undefined,
    };
  }

  /** Server-Sent Events: one `snapshot` per refresh, shared by every viewer. */
  @Sse('stream')
  stream(): Observable<MessageEvent> {
    return this.feed.watch().pipe(map((snapshot) => ({ type: 'snapshot', data: snapshot })));
  }

  @Get('orders/:id')
  async path(@Param('id') id: string): Promise<OrderPath> {
    const order = OrderId.safeParse(id).success ? await this.orders.findById(id) : null;
    if (!order) throw new OrdersError('ORDER_NOT_FOUND', `no order ${id}`);
    // With tracing on, the saga's trace is the one the POST started, kept with its PedidoCriado row;
    // with tracing off (or once the row is gone), every message carries the trace id of its order.
    const placed = order.timeline.find((entry) => entry.type === PedidoCriado.type);
    const traceparent = placed ? await this.outbox.traceparentOf(placed.eventId) : null;
    const traceId = parseTraceparent(traceparent)?.traceId ?? traceIdFor(order.id);
    return orderPath(order, { traceId, traceUrl: traceUrl(this.config.FLOW_TRACE_URL, traceId) }, new Date());
  }
}
