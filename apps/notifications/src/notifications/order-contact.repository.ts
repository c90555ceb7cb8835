import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';

/** Whom to write to about an order. */
export interface OrderContact {
  orderId: string;
  customerName: string;
  email: string;
  createdAt: Date;
}

const REMEMBER_CONTACTS = `INSERT INTO order_contact (order_id, customer_name, email)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])
  ON CONFLICT (order_id) DO NOTHING`;

/** The only place that reads and writes order contacts. */
@Injectable()
export class OrderContactRepository {
  /**
   * Keeps the first contact given for an order; a repeated PedidoCriado changes nothing. Written with
   * the other contacts of the transaction in one statement just before COMMIT.
   */
  remember(tx: SqlTransaction, contact: { orderId: string; customerName: string; email: string }): void {
    tx.writeBeforeCommit(REMEMBER_CONTACTS, contact, (contacts) =>
      tx.executeAtCommit(REMEMBER_CONTACTS, [
        contacts.map((c) => c.orderId),
        contacts.map((c) => c.customerName),
        contacts.map((c) => c.email),
      ]),
    );
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
