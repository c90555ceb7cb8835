import { Injectable } from '@nestjs/common';
import type { SqlTransaction } from '@loja/messaging';
import type { RequestedLine } from './stock-plan';

/** HELD: stock taken from available, waiting for payment; COMMITTED: paid, the stock left for good;
 * RELEASED: given back; REJECTED: could not be reserved, nothing was taken. */
export type ReservationStatus = 'HELD' | 'COMMITTED' | 'RELEASED' | 'REJECTED';

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  lines: RequestedLine[];
}

/** The only place that reads and writes reservations. */
@Injectable()
export class ReservationRepository {
  /** The order's reservation, its row locked until the transaction ends. */
  async lock(tx: SqlTransaction, orderId: string): Promise<Reservation | undefined> {
    const rows = await tx.query<{ status: ReservationStatus; lines: RequestedLine[] }>(
      'SELECT status::text AS status, lines FROM reservation WHERE order_id = $1::uuid FOR UPDATE',
      [orderId],
    );
    const row = rows[0];
    return row && { orderId, status: row.status, lines: row.lines };
  }

  async create(tx: SqlTransaction, orderId: string, status: ReservationStatus, lines: RequestedLine[]): Promise<void> {
    await tx.execute(
      `INSERT INTO reservation (order_id, status, lines, updated_at)
       VALUES ($1::uuid, $2::reservation_status, $3::jsonb, now())`,
      [orderId, status, JSON.stringify(lines)],
    );
  }

  async setStatus(tx: SqlTransaction, orderId: string, status: ReservationStatus): Promise<void> {
    await tx.execute(
      'UPDATE reservation SET status = $2::reservation_status, updated_at = now() WHERE order_id = $1::uuid',
      [orderId, status],
    );
  }
}
