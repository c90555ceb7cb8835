import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';

/** Whom to write to about an order. */
export interface OrderContact {
  orderId: string;
  customerName: string;
  email: string;
  createdAt: Date;
}

/** The only place that reads and writes order contacts. */
@Injectable()
export class OrderContactRepository {
  /**
   * Keeps the first contact given for an order; a repeated PedidoCriado changes nothing. Returns
   * whether this call recorded it.
   */
  async remember(
    tx: SqlTransaction,
    contact: { orderId: string; customerName: string; email: string },
  ): Promise<boolean> {
    const inserted = await tx.execute(
      `INSERT INTO order_contact (order_id, customer_name, email) VALUES ($1::uuid, $2, $3)
       ON CONFLICT (order_id) DO NOTHING`,
      [contact.orderId, contact.customerName, contact.email],
    );
    return inserted === 1;
  }

  /** The contacts of `orderIds` that are known, in one statement. */
  async findMany(tx: SqlTransaction, orderIds: readonly string[]): Promise<Map<string, OrderContact>> {
    const rows = await tx.query<{ order_id: string; customer_name: string; email: string; created_at: Date }>(
      'SELECT order_id::text, customer_name, email, created_at FROM order_contact WHERE order_id = ANY($1::uuid[])',
      [[...new Set(orderIds)]],
    );
    return new Map(
      rows.map((row) => [
        row.order_id,
        { orderId: row.order_id, customerName: row.customer_name, email: row.email, createdAt: row.created_at },
      ]),
    );
  }

  async find(tx: SqlTransaction, orderId: string): Promise<OrderContact | null> {
    const rows = await tx.query<{ order_id: string; customer_name: string; email: string; created_at: Date }>(
      'SELECT order_id::text, customer_name, email, created_at FROM order_contact WHERE order_id = $1::uuid',
      [orderId],
    );
    const row = rows[0];
    return row
      ? { orderId: row.order_id, customerName: row.customer_name, email: row.email, createdAt: row.created_at }
      : null;
  }
}
