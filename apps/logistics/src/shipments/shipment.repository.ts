import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';
import type { Shipment, ShippingDetails } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** PostgreSQL channel a new shipment is announced on; delivered only when its transaction commits. */
export const SHIPMENT_DUE_CHANNEL = 'logistics_shipment_due';

export interface NewShipment {
  id: string;
  orderId: string;
  delayMs: number;
  causationEventId: string;
  preparedEventId: string;
}

export interface DueShipment {
  id: string;
  orderId: string;
  number: number;
  preparedEventId: string;
}

/** The only place that reads and writes shipments. */
@Injectable()
export class ShipmentRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Creates a PREPARING shipment due `delayMs` from now on the database's clock (the one the
   * dispatcher compares with, whichever replica it runs in), and, when it is delayed, announces its
   * due time to the dispatchers on commit. One statement: one round trip.
   */
  async create(tx: SqlTransaction, shipment: NewShipment): Promise<{ shipAfter: Date; number: number }> {
    const rows = await tx.query<{ ship_after: Date; number: number }>(
      `WITH created AS (
         INSERT INTO shipment (id, order_id, status, ship_after, causation_event_id, prepared_event_id, updated_at)
         VALUES ($1::uuid, $2::uuid, 'PREPARING'::shipment_status,
                 now() + $3::double precision * interval '1 millisecond', $4::uuid, $5::uuid, now())
         RETURNING ship_after, number
       )
       SELECT ship_after, number,
              CASE WHEN $3::double precision > 0
                   THEN pg_notify('${SHIPMENT_DUE_CHANNEL}',
                                  to_char(ship_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text
              END AS notified
       FROM created`,
      [shipment.id, shipment.orderId, shipment.delayMs, shipment.causationEventId, shipment.preparedEventId],
    );
    return { shipAfter: new Date(rows[0]!.ship_after), number: rows[0]!.number };
  }

  /**
   * Up to `limit` PREPARING shipments whose time has come, locked until the transaction ends;
   * rows another dispatcher holds are skipped, so replicas never ship the same shipment twice.
   */
  async claimDue(tx: SqlTransaction, limit: number): Promise<DueShipment[]> {
    const rows = await tx.query<{ id: string; order_id: string; number: number; prepared_event_id: string }>(
      `SELECT id, order_id, number, prepared_event_id FROM shipment
        WHERE status = 'PREPARING' AND ship_after <= now()
        ORDER BY ship_after, number LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      number: Number(row.number),
      preparedEventId: row.prepared_event_id,
    }));
  }

  async markShipped(
    tx: SqlTransaction,
    id: string,
    shipped: { carrier: string; trackingCode: string; shippedAt: Date },
  ): Promise<void> {
    await tx.execute(
      `UPDATE shipment SET status = 'SHIPPED'::shipment_status, carrier = $2, tracking_code = $3,
              shipped_at = $4::timestamptz, updated_at = now()
        WHERE id = $1::uuid`,
      [id, shipped.carrier, shipped.trackingCode, shipped.shippedAt.toISOString()],
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
