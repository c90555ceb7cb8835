import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';
import type { Shipment, ShippingDetails } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface NewShipment {
  id: string;
  orderId: string;
  delayMs: number;
  causationEventId: string;
  preparedEventId: string;
  /** The span preparing it, while tracing is on: shipping it (now or later) continues that trace. */
  traceparent: string | null;
}

export interface CreatedShipment {
  number: number;
  shipAfter: Date;
}

export interface DueShipment {
  id: string;
  orderId: string;
  number: number;
  preparedEventId: string;
  traceparent: string | null;
}

const CREATE_SHIPMENTS = `INSERT INTO shipment
    (id, order_id, status, ship_after, causation_event_id, prepared_event_id, traceparent, updated_at)
  SELECT id, order_id, 'PREPARING'::shipment_status, now() + delay_ms * interval '1 millisecond',
         causation_event_id, prepared_event_id, traceparent, now()
  FROM unnest($1::uuid[], $2::uuid[], $3::double precision[], $4::uuid[], $5::uuid[], $6::text[])
    AS s(id, order_id, delay_ms, causation_event_id, prepared_event_id, traceparent)
  RETURNING id::text, number, ship_after`;

const MARK_SHIPPED = `UPDATE shipment s
  SET status = 'SHIPPED'::shipment_status, carrier = u.carrier, tracking_code = u.tracking_code,
      shipped_at = u.shipped_at, updated_at = now()
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS u(id, carrier, tracking_code, shipped_at)
  WHERE s.id = u.id`;

/** The only place that reads and writes shipments. */
@Injectable()
export class ShipmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates PREPARING shipments, each due its `delayMs` from now on the database's clock (the one the
   * dispatcher compares with, whichever replica it runs in). One statement for all: returns each
   * shipment's number and due time, by id.
   */
  async createMany(tx: SqlTransaction, shipments: NewShipment[]): Promise<Map<string, CreatedShipment>> {
    const rows = await tx.query<{ id: string; number: number; ship_after: Date }>(CREATE_SHIPMENTS, [
      shipments.map((s) => s.id),
      shipments.map((s) => s.orderId),
      shipments.map((s) => s.delayMs),
      shipments.map((s) => s.causationEventId),
      shipments.map((s) => s.preparedEventId),
      shipments.map((s) => s.traceparent),
    ]);
    return new Map(rows.map((row) => [row.id, { number: Number(row.number), shipAfter: new Date(row.ship_after) }]));
  }

  /**
   * Up to `limit` PREPARING shipments whose time has come, locked until the transaction ends;
   * rows another dispatcher holds are skipped, so replicas never ship the same shipment twice.
   */
  async claimDue(tx: SqlTransaction, limit: number): Promise<DueShipment[]> {
    const rows = await tx.query<{
      id: string;
      order_id: string;
      number: number;
      prepared_event_id: string;
      traceparent: string | null;
    }>(
      `SELECT id, order_id, number, prepared_event_id, traceparent FROM shipment
        WHERE status = 'PREPARING' AND ship_after <= now()
        ORDER BY ship_after, number LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      number: Number(row.number),
      preparedEventId: row.prepared_event_id,
      traceparent: row.traceparent,
    }));
  }

  /** Marks a shipment SHIPPED, in one statement with the others of its transaction just before COMMIT. */
  markShipped(
    tx: SqlTransaction,
    id: string,
    shipped: { carrier: string; trackingCode: string; shippedAt: Date },
  ): void {
    tx.writeBeforeCommit(MARK_SHIPPED, { id, ...shipped }, (all) =>
      tx.executeAtCommit(MARK_SHIPPED, [
        all.map((s) => s.id),
        all.map((s) => s.carrier),
        all.map((s) => s.trackingCode),
        all.map((s) => s.shippedAt.toISOString()),
      ]),
    );
  }

  /**
   * The order's shipment, its row locked until the transaction ends. A dispatcher shipping it right
   * now holds the lock: this waits for its commit and then reads the row as it left it (SHIPPED).
   */
  async lockByOrder(
    tx: SqlTransaction,
    orderId: string,
  ): Promise<{ id: string; status: Shipment['status']; trackingCode: string | null } | undefined> {
    const rows = await tx.query<{ id: string; status: Shipment['status']; tracking_code: string | null }>(
      'SELECT id::text, status::text AS status, tracking_code FROM shipment WHERE order_id = $1::uuid FOR UPDATE',
      [orderId],
    );
    const row = rows[0];
    return row && { id: row.id, status: row.status, trackingCode: row.tracking_code };
  }

  /** Stops a PREPARING shipment: the dispatcher only claims PREPARING ones, so it never leaves. */
  async markCancelled(tx: SqlTransaction, id: string): Promise<void> {
    await tx.execute(
      `UPDATE shipment SET status = 'CANCELLED'::shipment_status, updated_at = now() WHERE id = $1::uuid`,
      [id],
    );
  }

  listByOrder(orderId: string): Promise<Array<Shipment & { details: ShippingDetails }>> {
    return this.prisma.shipment.findMany({
      where: { orderId },
      include: { details: true },
      orderBy: { createdAt: 'asc' },
    });
  }
}
