import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';
import type { OrderState, OrderStatus, PricedLine } from './order';

export type OrderWithLines = Prisma.OrderGetPayload<{ include: { lines: true } }>;
export type OrderRecord = Prisma.OrderGetPayload<{ include: { lines: true; timeline: true } }>;

export interface NewOrder {
  id: string;
  customer: { id: string; name: string; email: string };
  lines: PricedLine[];
  totalCents: number;
  shippingAddress: object;
  /** The PedidoCriado event: its id and time open the timeline. */
  placedBy: { eventId: string; occurredAt: Date };
}

export interface TimelineEntry {
  orderId: string;
  type: string;
  status: OrderStatus;
  eventId: string;
  occurredAt: Date;
}

const withLinesAndTimeline = {
  lines: { orderBy: { position: 'asc' } },
  timeline: { orderBy: [{ occurredAt: 'asc' }, { id: 'asc' }] },
} as const satisfies Prisma.OrderInclude;

/** The only place that reads and writes orders, their lines, timeline and idempotency keys. */
@Injectable()
export class OrderRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, order: NewOrder): Promise<void> {
    await tx.order.create({
      data: {
        id: order.id,
        status: 'PENDING',
        customerId: order.customer.id,
        customerName: order.customer.name,
        customerEmail: order.customer.email,
        shippingAddress: order.shippingAddress,
        totalCents: BigInt(order.totalCents),
        currency: 'BRL',
        createdAt: order.placedBy.occurredAt,
        lines: { create: order.lines.map((line, position) => ({ position, ...line })) },
        timeline: {
          create: {
            type: 'PedidoCriado',
            status: 'PENDING',
            eventId: order.placedBy.eventId,
            occurredAt: order.placedBy.occurredAt,
          },
        },
      },
    });
  }

  /**
   * Records `key` for `orderId`; false if the key is already taken. A concurrent request holding the
   * same key makes this wait until that request's transaction ends (then false if it committed).
   */
  async claimIdempotencyKey(tx: Tx, key: string, requestHash: string, orderId: string): Promise<boolean> {
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO idempotency_key (key, request_hash, order_id) VALUES ($1, $2, $3::uuid)
       ON CONFLICT (key) DO NOTHING`,
      key,
      requestHash,
      orderId,
    );
    return inserted > 0;
  }

  findIdempotencyKey(key: string): Promise<{ requestHash: string; orderId: string } | null> {
    return this.prisma.idempotencyKey.findUnique({ where: { key }, select: { requestHash: true, orderId: true } });
  }

  /**
   * The order, its lines and timeline from one snapshot (Prisma reads them in separate queries, and a
   * batch of one findUnique runs outside any transaction, hence the interactive one).
   */
  findById(id: string): Promise<OrderRecord | null> {
    return this.prisma.$transaction((tx) => tx.order.findUnique({ where: { id }, include: withLinesAndTimeline }), {
      isolationLevel: 'RepeatableRead',
      maxWait: 10_000,
    });
  }

  /** A page of orders, newest first, and the total, from one snapshot. */
  async list(filter: { status?: OrderStatus; page: number; pageSize: number }) {
    const where: Prisma.OrderWhereInput = filter.status ? { status: filter.status } : {};
    const [items, total] = await this.prisma.$transaction(
      [
        this.prisma.order.findMany({
          where,
          include: { lines: { orderBy: { position: 'asc' } } },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          skip: (filter.page - 1) * filter.pageSize,
          take: filter.pageSize,
        }),
        this.prisma.order.count({ where }),
      ],
      // a loaded database may take a while to hand out a connection: wait as the other reads do
      { isolationLevel: 'RepeatableRead', maxWait: 10_000 },
    );
    return { items, total };
  }

  /** The order's status fields, its row locked until the transaction ends (events for it apply one at a time). */
  async lock(tx: Tx, id: string): Promise<OrderState | undefined> {
    const rows = await tx.$queryRawUnsafe<
      Array<{
        status: OrderStatus;
        cancellation_reason: OrderState['cancellationReason'];
        carrier: string | null;
        tracking_code: string | null;
      }>
    >(
      `SELECT status::text AS status, cancellation_reason::text AS cancellation_reason, carrier, tracking_code
       FROM "order" WHERE id = $1::uuid FOR UPDATE`,
      id,
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      status: row.status,
      cancellationReason: row.cancellation_reason,
      carrier: row.carrier,
      trackingCode: row.tracking_code,
    };
  }

  async update(tx: Tx, id: string, state: OrderState): Promise<void> {
    await tx.order.update({
      where: { id },
      data: {
        status: state.status,
        cancellationReason: state.cancellationReason,
        carrier: state.carrier,
        trackingCode: state.trackingCode,
      },
    });
  }

  async appendTimeline(tx: Tx, entry: TimelineEntry): Promise<void> {
    await tx.orderTimelineEntry.create({ data: entry });
  }
}
