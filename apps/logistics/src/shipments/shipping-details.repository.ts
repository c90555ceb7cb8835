import { Injectable } from '@nestjs/common';
import type { ShippingAddress, StockLine } from '@loja/contracts';
import type { z } from 'zod';
import type { SqlTransaction } from '@loja/messaging';

export interface ShippingDetails {
  orderId: string;
  shippingAddress: z.infer<typeof ShippingAddress>;
  lines: Array<z.infer<typeof StockLine>>;
}

/** The only place that reads and writes shipping details. */
@Injectable()
export class ShippingDetailsRepository {
  /** Keeps the first details recorded for an order; later ones for the same order change nothing. */
  async record(tx: SqlTransaction, details: ShippingDetails): Promise<boolean> {
    // Raw SQL on this per-event path: Prisma compiles a createMany anew on every call.
    const inserted = await tx.execute(
      `INSERT INTO shipping_details (order_id, shipping_address, lines) VALUES ($1::uuid, $2::jsonb, $3::jsonb)
       ON CONFLICT (order_id) DO NOTHING`,
      [details.orderId, JSON.stringify(details.shippingAddress), JSON.stringify(details.lines)],
    );
    return inserted === 1;
  }

  /**
   * Whether the order's details are known, its row locked until the transaction ends (so two payments
   * announced for one order are decided one after the other), and whether a shipment was prepared for
   * it already; one statement. Undefined when the details are not known yet.
   */
  async lock(tx: SqlTransaction, orderId: string): Promise<{ shipmentPrepared: boolean } | undefined> {
    const rows = await tx.query<{ prepared: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = d.order_id) AS prepared
       FROM shipping_details d WHERE d.order_id = $1::uuid FOR UPDATE OF d`,
      [orderId],
    );
    return rows[0] && { shipmentPrepared: rows[0].prepared };
  }
}
