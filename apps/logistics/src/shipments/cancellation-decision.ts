/**
 * Logistics' rule for a customer's cancellation, plain TypeScript. Logistics ships, so it alone knows
 * whether the parcel has left: a shipment not sent yet is stopped (or never created), one sent already
 * makes the cancellation too late. One decision per order, whatever is redelivered (ADR 9).
 */
export interface ShipmentSnapshot {
  id: string;
  status: 'PREPARING' | 'SHIPPED' | 'CANCELLED';
  trackingCode: string | null;
}

export type CancellationDecision =
  | { kind: 'already-decided' }
  | { kind: 'accept'; stopShipmentId: string | null }
  | { kind: 'refuse'; trackingCode: string };

export function decideCancellation(
  decidedBefore: boolean,
  shipment: ShipmentSnapshot | undefined,
): CancellationDecision {
  if (decidedBefore) return { kind: 'already-decided' };
  if (shipment?.status === 'SHIPPED') return { kind: 'refuse', trackingCode: shipment.trackingCode ?? '' };
  return { kind: 'accept', stopShipmentId: shipment?.status === 'PREPARING' ? shipment.id : null };
}
