import { Injectable } from '@nestjs/common';
import { Database, isUniqueViolation, type SqlTransaction } from '@loja/messaging';
import type { Order, OrderLine, OrderTimelineEntry, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';
import type { OrderState, OrderStatus, PricedLine } from './order';

/** An order's columns and lines as the views read them: Prisma's rows (the list) fit, so do the raw reads below. */
export type OrderWithLines = Order & { lines: Array<Pick<OrderLine, 'sku' | 'name' | 'quantity' | 'unitPriceCents'>> };

/** An order with its timeline: what GET /orders/:id and POST /orders answer. */
export type OrderRecord = OrderWithLines & {
  timeline: Array<Pick<OrderTimelineEntry, 'type' | 'status' | 'eventId' | 'occurredAt' | 'recordedAt'>>;
};

export interface NewOrder {
  id: string;
  customer: { id: string; name: string; email: string };
  lines: PricedLine[];
  totalCents: number;
  shippingAddress: object;
  /** The PedidoCriado event: its id and time open the timeline. */
  placedBy: { eventId: string; occurredAt: Date };
}

/** An order locked for a saga event: its state, and when it was placed. */
export type LockedOrder = OrderState & { placedAt: Date };

/** A saga event as the order's timeline records it. */
export interface TimelineEntry {
  type: string;
  eventId: string;
  occurredAt: Date;
}

interface OrderRow {
  id: string;
  status: OrderStatus;
  customer_id: string;
  customer_name: string;
  customer_email: string;
  shipping_address: Prisma.JsonValue;
  total_cents: bigint;
  currency: string;
  cancellation_reason: OrderState['cancellationReason'];
  cancellation_requested_at: Date | null;
  cancellation_note: string | null;
  carrier: string | null;
  tracking_code: string | null;
  created_at: Date;
  updated_at: Date;
  lines: OrderWithLines['lines'];
  /** Times as ISO 8601 strings in UTC: JSON has no timestamp type. */
  timeline: Array<{ type: string; status: OrderStatus; eventId: string; occurredAt: string; recordedAt: string }>;
}

/** What the flow page reads from Orders' own tables at each refresh. */
export interface RecentActivity {
  /** Events per type seen in the last minute, and in the last 10 seconds. */
  events: Array<{ type: string; lastMinute: number; last10s: number }>;
  /** The latest orders, newest first. */
  orders: Array<{
    id: string;
    status: OrderStatus;
    cancellationReason: string | null;
    createdAt: string;
    updatedAt: string;
  }>;
}

/** A timestamptz inside JSON, written exactly as Date.prototype.toISOString writes it. */
const isoUtc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** An object's keys in the order jsonb keeps them: shorter first, then by their bytes (ASCII keys: a character is a byte). */
function inJsonbKeyOrder<T extends object>(value: T): T {
  const byKey = ([a]: [string, unknown], [b]: [string, unknown]) =>
    a.length - b.length || Buffer.compare(Buffer.from(a), Buffer.from(b));
  return Object.fromEntries(Object.entries(value).sort(byKey)) as T;
}

/** The failure of a transaction whose `recordIdempotencyKey` met a key another order holds. */
export function isIdempotencyKeyTaken(error: unknown): boolean {
  return isUniqueViolation(error, 'idempotency_key_pkey');
}

/** The only place that reads and writes orders, their lines, timeline and idempotency keys. */
@Injectable()
export class OrderRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly database: Database,
  ) {}

  /**
   * Orders accepted and not final yet: an index range over order_status_created_at_idx, read four times
   * a second by the admission check. Index scans only, because every status change leaves a dead entry
   * there: at 50 orders/s the bitmap scan the planner chose on the young table's statistics visited 5886
   * entries for 28 rows after 40 s (22 ms a count) and kept growing until vacuum.
   */
  async countInFlight(): Promise<number> {
    const rows = await this.database.queryWithIndexScans<{ in_flight: number }>(
      `SELECT count(*)::int AS in_flight FROM "order"
        WHERE status IN ('PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION')`,
    );
    return rows[0]!.in_flight;
  }

  /**
   * Writes the order, its lines and its first timeline entry (PedidoCriado) in one statement sent with
   * the COMMIT (no round trip of its own: an order placed without an Idempotency-Key costs one round
   * trip in all), and returns the order as GET /orders/:id will show it. Nothing is read back, so what
   * the database would set comes from here: a new order was last updated when placed, the entry is
   * recorded now (after the PedidoCriado it records was created, on the same clock), and the address
   * keeps its keys in the order jsonb stores them.
   */
  create(tx: SqlTransaction, order: NewOrder): OrderRecord {
    const placedAt = order.placedBy.occurredAt;
    const recordedAt = new Date();
    const lines = order.lines.map((line, position) => ({
      position,
      sku: line.sku,
      name: line.name,
      quantity: line.quantity,
      unit_price_cents: line.unitPriceCents,
    }));
    void tx.executeAtCommit(
      `WITH placed AS (
         INSERT INTO "order" (id, status, customer_id, customer_name, customer_email, shipping_address, total_cents,
                              currency, created_at, updated_at)
         VALUES ($1::uuid, 'PENDING'::order_status, $2, $3, $4, $5::jsonb, $6::bigint, 'BRL', $7::timestamptz,
                 $7::timestamptz)
         RETURNING id
       ), placed_lines AS (
         INSERT INTO order_line (order_id, position, sku, name, quantity, unit_price_cents)
         SELECT placed.id, line.position, line.sku, line.name, line.quantity, line.unit_price_cents
         FROM placed, jsonb_to_recordset($8::jsonb)
           AS line(position int, sku text, name text, quantity int, unit_price_cents int)
       )
       INSERT INTO order_timeline_entry (order_id, type, status, event_id, occurred_at, recorded_at)
       SELECT id, 'PedidoCriado', 'PENDING'::order_status, $9::uuid, $7::timestamptz, $10::timestamptz
       FROM placed`,
      [
        order.id,
        order.customer.id,
        order.customer.name,
        order.customer.email,
        JSON.stringify(order.shippingAddress),
        order.totalCents,
        placedAt.toISOString(),
        JSON.stringify(lines),
        order.placedBy.eventId,
        recordedAt.toISOString(),
      ],
    );
    return {
      id: order.id,
      status: 'PENDING',
      customerId: order.customer.id,
      customerName: order.customer.name,
      customerEmail: order.customer.email,
      shippingAddress: inJsonbKeyOrder(order.shippingAddress),
      totalCents: BigInt(order.totalCents),
      currency: 'BRL',
      cancellationReason: null,
      cancellationRequestedAt: null,
      cancellationNote: null,
      carrier: null,
      trackingCode: null,
      createdAt: placedAt,
      updatedAt: placedAt,
      lines: order.lines,
      timeline: [
        { type: 'PedidoCriado', status: 'PENDING', eventId: order.placedBy.eventId, occurredAt: placedAt, recordedAt },
      ],
    };
  }

  /**
   * Records `key` for `orderId`, with the COMMIT (after the order it points to). If the key is taken,
   * the COMMIT fails and `isIdempotencyKeyTaken` tells that failure apart; a concurrent request holding
   * the same key makes it wait until that request's transaction ends (and fail if it committed).
   */
  recordIdempotencyKey(tx: SqlTransaction, key: string, requestHash: string, orderId: string): void {
    void tx.executeAtCommit(`INSERT INTO idempotency_key (key, request_hash, order_id) VALUES ($1, $2, $3::uuid)`, [
      key,
      requestHash,
      orderId,
    ]);
  }

  findIdempotencyKey(key: string): Promise<{ requestHash: string; orderId: string } | null> {
    return this.prisma.idempotencyKey.findUnique({ where: { key }, select: { requestHash: true, orderId: true } });
  }

  /**
   * The order with its lines (by position) and timeline (in the order things happened). One statement,
   * so one round trip and one snapshot: no transaction needed for a consistent read.
   */
  async findById(id: string): Promise<OrderRecord | null> {
    const rows = await this.database.query<OrderRow>(
      `SELECT o.id::text AS id, o.status::text AS status, o.customer_id, o.customer_name, o.customer_email,
              o.shipping_address, o.total_cents, o.currency, o.cancellation_reason::text AS cancellation_reason,
              o.cancellation_requested_at, o.cancellation_note, o.carrier, o.tracking_code, o.created_at, o.updated_at,
              COALESCE((SELECT json_agg(json_build_object('sku', l.sku, 'name', l.name, 'quantity', l.quantity,
                                                          'unitPriceCents', l.unit_price_cents) ORDER BY l.position)
                        FROM order_line l WHERE l.order_id = o.id), '[]') AS lines,
              COALESCE((SELECT json_agg(json_build_object('type', t.type, 'status', t.status, 'eventId', t.event_id,
                                                          'occurredAt', ${isoUtc('t.occurred_at')},
                                                          'recordedAt', ${isoUtc('t.recorded_at')})
                                        ORDER BY t.occurred_at, t.id)
                        FROM order_timeline_entry t WHERE t.order_id = o.id), '[]') AS timeline
       FROM "order" o WHERE o.id = $1::uuid`,
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      status: row.status,
      customerId: row.customer_id,
      customerName: row.customer_name,
      customerEmail: row.customer_email,
      shippingAddress: row.shipping_address,
      totalCents: row.total_cents,
      currency: row.currency,
      cancellationReason: row.cancellation_reason,
      cancellationRequestedAt: row.cancellation_requested_at,
      cancellationNote: row.cancellation_note,
      carrier: row.carrier,
      trackingCode: row.tracking_code,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      lines: row.lines,
      timeline: row.timeline.map((entry) => ({
        type: entry.type,
        status: entry.status,
        eventId: entry.eventId,
        occurredAt: new Date(entry.occurredAt),
        recordedAt: new Date(entry.recordedAt),
      })),
    };
  }

  /**
   * The last minute's events by type and the latest orders, in one statement. The timeline holds
   * every saga event an order received and its PedidoCriado; PedidoCancelado is the entry that
   * cancelled an order (its transaction wrote the event); ProdutoAtualizado, the replica's products
   * updated. Bounded whatever the size of the tables: the BRIN index on recorded_at reads only the
   * last minute's block ranges, the others are index scans of `limit` rows or the small catalogue.
   */
  async recentActivity(limit: number): Promise<RecentActivity> {
    const rows = await this.database.query<RecentActivity>(
      `WITH recent AS (
         SELECT type, status, recorded_at > now() - interval '10 seconds' AS latest
         FROM order_timeline_entry WHERE recorded_at > now() - interval '1 minute'
       ), counted AS (
         SELECT type, count(*) AS last_minute, count(*) FILTER (WHERE latest) AS last_10s FROM recent GROUP BY type
         UNION ALL
         SELECT 'PedidoCancelado', count(*), count(*) FILTER (WHERE latest) FROM recent
         WHERE status = 'CANCELLED' AND type IN ('EstoqueIndisponivel', 'PagamentoRejeitado', 'CancelamentoAceito')
         UNION ALL
         SELECT 'ProdutoAtualizado', count(*), count(*) FILTER (WHERE updated_at > now() - interval '10 seconds')
         FROM catalog_product WHERE updated_at > now() - interval '1 minute'
       ), latest AS (
         SELECT id, status, cancellation_reason, created_at, updated_at FROM "order"
         ORDER BY created_at DESC, id DESC LIMIT $1
       )
       SELECT
         (SELECT COALESCE(json_agg(json_build_object('type', type, 'lastMinute', last_minute, 'last10s', last_10s)), '[]')
          FROM counted WHERE last_minute > 0) AS events,
         (SELECT COALESCE(json_agg(json_build_object('id', id, 'status', status, 'cancellationReason', cancellation_reason,
                                                     'createdAt', ${isoUtc('created_at')},
                                                     'updatedAt', ${isoUtc('updated_at')})
                                   ORDER BY created_at DESC, id DESC), '[]')
          FROM latest) AS orders`,
      [limit],
    );
    return rows[0]!;
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

  /**
   * The status fields of `ids`, their rows locked until the transaction ends (events for one order
   * apply one at a time, in any number of processes), in id order so two transactions never deadlock.
   * One statement for a whole batch of saga events. Orders that do not exist are missing from the map.
   */
  async lockMany(tx: SqlTransaction, ids: readonly string[]): Promise<Map<string, LockedOrder>> {
    const rows = await tx.query<{
      id: string;
      status: OrderStatus;
      cancellation_reason: OrderState['cancellationReason'];
      carrier: string | null;
      tracking_code: string | null;
      created_at: Date;
    }>(
      `SELECT id::text AS id, status::text AS status, cancellation_reason::text AS cancellation_reason, carrier,
              tracking_code, created_at
       FROM "order" WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [[...new Set(ids)]],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          status: row.status,
          cancellationReason: row.cancellation_reason,
          carrier: row.carrier,
          trackingCode: row.tracking_code,
          placedAt: row.created_at,
        },
      ]),
    );
  }

  /**
   * The order's status and whether a cancellation was requested already, its row locked until the
   * transaction ends: requests for one order (and the saga events that change it) apply one at a time.
   */
  async lockForCancellation(
    tx: SqlTransaction,
    id: string,
  ): Promise<{ status: OrderStatus; cancellationRequested: boolean } | undefined> {
    const rows = await tx.query<{ status: OrderStatus; requested: boolean }>(
      `SELECT status::text AS status, cancellation_requested_at IS NOT NULL AS requested
       FROM "order" WHERE id = $1::uuid FOR UPDATE`,
      [id],
    );
    const row = rows[0];
    return row && { status: row.status, cancellationRequested: row.requested };
  }

  /**
   * Records the customer's request to cancel: when and what they wrote, and the CancelamentoSolicitado
   * entry of the timeline (the status is unchanged until Logistics answers). One statement.
   */
  async recordCancellationRequest(
    tx: SqlTransaction,
    request: { orderId: string; status: OrderStatus; note: string | null; entry: TimelineEntry },
  ): Promise<void> {
    await tx.execute(
      `WITH requested AS (
         UPDATE "order" SET cancellation_requested_at = $5::timestamptz, cancellation_note = $3,
                            updated_at = statement_timestamp()
         WHERE id = $1::uuid
       )
       INSERT INTO order_timeline_entry (order_id, type, status, event_id, occurred_at, recorded_at)
       VALUES ($1::uuid, $4, $2::order_status, $6::uuid, $5::timestamptz, statement_timestamp())`,
      [
        request.orderId,
        request.status,
        request.note,
        request.entry.type,
        request.entry.occurredAt.toISOString(),
        request.entry.eventId,
      ],
    );
  }

  /**
   * Appends the timeline entries (each with the order's status once its event was applied) and stores
   * the new state of the orders whose status changed. One statement for any number of events, sent
   * with COMMIT: nothing in the transaction reads these rows back.
   */
  async recordEvents(
    tx: SqlTransaction,
    entries: ReadonlyArray<{ orderId: string; status: OrderStatus; entry: TimelineEntry }>,
    changed: ReadonlyMap<string, OrderState>,
  ): Promise<void> {
    const orders = [...changed];
    await tx.executeAtCommit(
      `WITH updated AS (
         UPDATE "order" o
         SET status = c.status, cancellation_reason = c.cancellation_reason, carrier = c.carrier,
             tracking_code = c.tracking_code, updated_at = statement_timestamp()
         FROM unnest($1::uuid[], $2::order_status[], $3::cancellation_reason[], $4::text[], $5::text[])
           AS c(id, status, cancellation_reason, carrier, tracking_code)
         WHERE o.id = c.id
       )
       INSERT INTO order_timeline_entry (order_id, type, status, event_id, occurred_at, recorded_at)
       SELECT order_id, type, status, event_id, occurred_at, statement_timestamp()
       FROM unnest($6::uuid[], $7::text[], $8::order_status[], $9::uuid[], $10::timestamptz[])
         AS e(order_id, type, status, event_id, occurred_at)`,
      [
        orders.map(([id]) => id),
        orders.map(([, state]) => state.status),
        orders.map(([, state]) => state.cancellationReason),
        orders.map(([, state]) => state.carrier),
        orders.map(([, state]) => state.trackingCode),
        entries.map((e) => e.orderId),
        entries.map((e) => e.entry.type),
        entries.map((e) => e.status),
        entries.map((e) => e.entry.eventId),
        entries.map((e) => e.entry.occurredAt.toISOString()),
      ],
    );
  }
}
