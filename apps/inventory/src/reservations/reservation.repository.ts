import { Injectable } from '@nestjs/common';
import type { Reservation, ReservationStatus } from '../generated/prisma/client';
import type { Tx } from '../prisma/prisma.service';
import type { RequestedLine } from './stock-plan';

/** The only place that reads and writes reservations. */
@Injectable()
export class ReservationRepository {
  /** The order's reservation, its row locked until the transaction ends. */
  async lock(tx: Tx, orderId: string): Promise<(Omit<Reservation, 'lines'> & { lines: RequestedLine[] }) | undefined> {
    const rows = await tx.$queryRawUnsafe<Array<{ order_id: string }>>(
      'SELECT order_id FROM reservation WHERE order_id = $1::uuid FOR UPDATE',
      orderId,
    );
    if (!rows.length) return undefined;
    const reservation = await tx.reservation.findUniqueOrThrow({ where: { orderId } });
    return { ...reservation, lines: reservation.lines as unknown as RequestedLine[] };
  }

  async create(tx: Tx, orderId: string, status: ReservationStatus, lines: RequestedLine[]): Promise<void> {
    await tx.reservation.create({ data: { orderId, status, lines: lines as unknown as object } });
  }

  async setStatus(tx: Tx, orderId: string, status: ReservationStatus): Promise<void> {
    await tx.reservation.update({ where: { orderId }, data: { status } });
  }
}
