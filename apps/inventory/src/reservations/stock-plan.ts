/**
 * Reservation rules, plain TypeScript: an order takes every line or nothing, and gives back what it
 * took when it is cancelled.
 */

/** HELD: stock taken from available, waiting for payment; COMMITTED: paid, the stock is taken (back on
 * the shelf only if the customer cancels before the parcel leaves); RELEASED: given back (or an order
 * cancelled before it was reserved); REJECTED: could not be reserved, nothing was taken. */
export type ReservationStatus = 'HELD' | 'COMMITTED' | 'RELEASED' | 'REJECTED';

export interface RequestedLine {
  sku: string;
  quantity: number;
}

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export type StockPlan = { kind: 'reserve'; lines: RequestedLine[] } | { kind: 'unavailable'; missing: Shortage[] };

/** Adds up lines of the same SKU, sorted by SKU (the order rows are locked in, to avoid deadlocks). */
export function mergeLines(lines: RequestedLine[]): RequestedLine[] {
  const totals = new Map<string, number>();
  for (const { sku, quantity } of lines) totals.set(sku, (totals.get(sku) ?? 0) + quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => a.sku.localeCompare(b.sku));
}

/** All lines if every SKU has enough available stock; otherwise every line that falls short. */
export function planReservation(lines: RequestedLine[], available: ReadonlyMap<string, number>): StockPlan {
  const merged = mergeLines(lines);
  const missing = merged
    .map(({ sku, quantity }) => ({ sku, requested: quantity, available: available.get(sku) ?? 0 }))
    .filter((line) => line.available < line.requested);
  return missing.length ? { kind: 'unavailable', missing } : { kind: 'reserve', lines: merged };
}

/** Whether giving the reservation back returns stock: it is held, or taken for an order now cancelled. */
export function holdsStock(status: ReservationStatus): boolean {
  return status === 'HELD' || status === 'COMMITTED';
}
