import { Injectable } from '@nestjs/common';
import { orderIdOf } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import type { RequestedLine, ReservationStatus } from './stock-plan';

export type { ReservationStatus } from './stock-plan';

export interface Reservation {
  orderId: string;
  status: ReservationStatus;
  lines: RequestedLine[];
}

// Raw SQL on the per-event paths, one statement per batch of events, each a named prepared statement.
const LOCK_RESERVATIONS = `SELECT order_id::text, status::text AS status, lines FROM reservation
  WHERE order_id = ANY($1::uuid[]) ORDER BY order_id FOR UPDATE`;

const CREATE_RESERVATIONS = `INSERT INTO reservation (order_id, status, lines, updated_at)
  SELECT order_id, status, lines, now()
  FROM unnest($1::uuid[], $2::reservation_status[], $3::jsonb[]) AS r(order_id, status, lines)`;

const SET_STATUSES = `UPDATE reservation r SET status = u.status, updated_at = now()
  FROM unnest($1::uuid[], $2::reservation_status[]) AS u(order_id, status)
  WHERE r.order_id = u.order_id`;

interface ReservationRow {
  order_id: string;
  status: ReservationStatus;
  lines: RequestedLine[];
}

/**
 * The only place that reads and writes reservations. Set-based per transaction: its first lock takes
 * the reservations of every order its events are about in one statement; reservations it creates or
 * changes are written in one statement each just before COMMIT, as they are then.
 */
@Injectable()
export class ReservationRepository {
  /** The order's reservation, its row locked until the transaction ends; one it created counts too. */
  async lock(tx: SqlTransaction, orderId: string): Promise<Reservation | undefined> {
    return this.reservations(tx).lock(orderId);
  }

  create(tx: SqlTransaction, orderId: string, status: ReservationStatus, lines: RequestedLine[]): void {
    const reservation = { orderId, status, lines };
    this.reservations(tx).add(orderId, reservation);
    tx.writeBeforeCommit(CREATE_RESERVATIONS, reservation, (created) =>
      tx.executeAtCommit(CREATE_RESERVATIONS, [
        created.map((r) => r.orderId),
        created.map((r) => r.status),
        created.map((r) => JSON.stringify(r.lines)),
      ]),
    );
  }

  /** Moves a reservation `lock` returned to `status`. */
  setStatus(tx: SqlTransaction, reservation: Reservation, status: ReservationStatus): void {
    reservation.status = status;
    if (this.reservations(tx).addedRow(reservation.orderId) === reservation) return; // inserted as it is at COMMIT
    tx.writeBeforeCommit(SET_STATUSES, reservation, (changed) => {
      const unique = [...new Set(changed)];
      return tx.executeAtCommit(SET_STATUSES, [unique.map((r) => r.orderId), unique.map((r) => r.status)]);
    });
  }

  /** The reservations of this transaction: those it locked, and those it created (not written yet). */
  private reservations(tx: SqlTransaction) {
    return tx.lockForEvents('inventory.reservations', orderIdOf, async (orderIds) => {
      const rows = await tx.query<ReservationRow>(LOCK_RESERVATIONS, [orderIds]);
      return new Map<string, Reservation>(
        rows.map((row) => [row.order_id, { orderId: row.order_id, status: row.status, lines: row.lines }]),
      );
    });
  }
}
