import { Injectable } from '@nestjs/common';
import type { Shipment, ShippingDetails } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

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

  async existsForOrder(tx: Tx, orderId: string): Promise<boolean> {
    return (await tx.shipment.count({ where: { orderId } })) > 0;
  }

  /**
   * Creates a PREPARING shipment due `delayMs` from now on the database's clock (the one the
   * dispatcher compares with, whichever replica it runs in), and announces its due time on commit.
   */
  async create(tx: Tx, shipment: NewShipment): Promise<Shipment> {
    const [clock] = await tx.$queryRawUnsafe<Array<{ ship_after: Date }>>(
      `SELECT now() + $1::double precision * interval '1 millisecond' AS ship_after`,
      shipment.delayMs,
    );
    const created = await tx.shipment.create({
      data: {
        id: shipment.id,
        orderId: shipment.orderId,
        status: 'PREPARING',
        shipAfter: new Date(clock!.ship_after),
        causationEventId: shipment.causationEventId,
        preparedEventId: shipment.preparedEventId,
      },
    });
    await tx.$executeRawUnsafe(`SELECT pg_notify('${SHIPMENT_DUE_CHANNEL}', $1)`, created.shipAfter.toISOString());
    return created;
  }

  /**
   * Up to `limit` PREPARING shipments whose time has come, locked until the transaction ends;
   * rows another dispatcher holds are skipped, so replicas never ship the same shipment twice.
   */
  async claimDue(tx: Tx, limit: number): Promise<DueShipment[]> {
    const rows = await tx.$queryRawUnsafe<
      Array<{ id: string; order_id: string; number: number; prepared_event_id: string }>
    >(
      `SELECT id, order_id, number, prepared_event_id FROM shipment
        WHERE status = 'PREPARING' AND ship_after <= now()
        ORDER BY ship_after, number LIMIT $1 FOR UPDATE SKIP LOCKED`,
      limit,
    );
    return rows.map((row) => ({
      id: row.id,
      orderId: row.order_id,
      number: Number(row.number),
      preparedEventId: row.prepared_event_id,
    }));
  }

  markShipped(tx: Tx, id: string, shipped: { carrier: string; trackingCode: string; shippedAt: Date }) {
    return tx.shipment.update({ where: { id }, data: { status: 'SHIPPED', ...shipped } });
  }

  listByOrder(orderId: string): Promise<Array<Shipment & { details: ShippingDetails }>> {
    return this.prisma.shipment.findMany({
      where: { orderId },
      include: { details: true },
      orderBy: { createdAt: 'asc' },
    });
  }
}
