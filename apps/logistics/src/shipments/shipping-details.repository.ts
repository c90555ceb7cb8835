import { Injectable } from '@nestjs/common';
import { orderIdOf, type ShippingAddress, type StockLine } from '@loja/contracts';
import type { z } from 'zod';
import type { SqlTransaction } from '@loja/messaging';

export interface ShippingDetails {
  orderId: string;
  shippingAddress: z.infer<typeof ShippingAddress>;
  lines: Array<z.infer<typeof StockLine>>;
}

/** An order's details as the transaction that locked them sees them. */
export interface LockedShippingDetails {
  /** Turns true once this transaction prepares the order's shipment. */
  shipmentPrepared: boolean;
  /** The customer's cancellation was accepted: the order must never be prepared or shipped. */
  cancelled: boolean;
}

// Raw SQL on the per-event paths, one statement per batch of events, each a named prepared statement.
const RECORD_DETAILS = `INSERT INTO shipping_details (order_id, shipping_address, lines)
  SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::jsonb[])
  ON CONFLICT (order_id) DO NOTHING`;

const LOCK_DETAILS = `SELECT d.order_id::text,
    EXISTS (SELECT 1 FROM shipment s WHERE s.order_id = d.order_id) AS prepared,
    d.cancellation IS NOT DISTINCT FROM 'ACCEPTED' AS cancelled
  FROM shipping_details d WHERE d.order_id = ANY($1::uuid[]) ORDER BY d.order_id FOR UPDATE OF d`;

interface LockedRow {
  order_id: string;
  prepared: boolean;
  cancelled: boolean;
}

/**
 * The only place that reads and writes shipping details. Set-based per transaction: the details a
 * batch records go in one statement before COMMIT, and its first lock takes the details of every
 * order its events are about in one statement.
 */
@Injectable()
export class ShippingDetailsRepository {
  /** Keeps the first details recorded for an order; later ones for the same order change nothing. */
  record(tx: SqlTransaction, details: ShippingDetails): void {
    if (!this.details(tx).add(details.orderId, { shipmentPrepared: false, cancelled: false })) return;
    // Before COMMIT, not with it: a shipment prepared in the same transaction references these rows.
    tx.writeBeforeCommit(RECORD_DETAILS, details, (all) =>
      tx.execute(RECORD_DETAILS, [
        all.map((d) => d.orderId),
        all.map((d) => JSON.stringify(d.shippingAddress)),
        all.map((d) => JSON.stringify(d.lines)),
      ]),
    );
  }

  /**
   * Whether the order's details are known, their row locked until the transaction ends (so two
   * payments announced for one order are decided one after the other), and whether a shipment was
   * prepared for it already. Details this transaction recorded count too. Undefined when unknown.
   */
  async lock(tx: SqlTransaction, orderId: string): Promise<LockedShippingDetails | undefined> {
    return this.details(tx).lock(orderId);
  }

  /**
   * Whether a cancellation was decided for the order already, its details row locked until the
   * transaction ends: the decision and the preparation of the order's shipment (which locks the same
   * row) happen one after the other. Undefined when the order is unknown here.
   */
  async lockForDecision(tx: SqlTransaction, orderId: string): Promise<{ decided: boolean } | undefined> {
    const rows = await tx.query<{ decided: boolean }>(
      'SELECT cancellation IS NOT NULL AS decided FROM shipping_details WHERE order_id = $1::uuid FOR UPDATE',
      [orderId],
    );
    return rows[0];
  }

  /** Remembers Logistics' answer to the customer's cancellation. */
  async recordDecision(tx: SqlTransaction, orderId: string, decision: 'ACCEPTED' | 'REFUSED'): Promise<void> {
    await tx.execute(
      `UPDATE shipping_details SET cancellation = $2::cancellation_decision, cancellation_decided_at = now()
       WHERE order_id = $1::uuid`,
      [orderId, decision],
    );
  }

  /** The details of this transaction: those it locked, and those it recorded (not written yet). */
  private details(tx: SqlTransaction) {
    return tx.lockForEvents('logistics.shipping-details', orderIdOf, async (orderIds) => {
      const rows = await tx.query<LockedRow>(LOCK_DETAILS, [orderIds]);
      return new Map<string, LockedShippingDetails>(
        rows.map((row) => [row.order_id, { shipmentPrepared: row.prepared, cancelled: row.cancelled }]),
      );
    });
  }
}
