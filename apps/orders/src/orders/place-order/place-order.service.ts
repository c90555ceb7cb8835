import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AmountCents, PedidoCriado } from '@loja/contracts';
import { Database, OutboxService } from '@loja/messaging';
import { CatalogRepository } from '../../catalog/catalog.repository';
import { OrdersError } from '../../errors';
import { priceOrder } from '../order';
import { isIdempotencyKeyTaken, OrderRepository, type OrderRecord } from '../order.repository';
import { toOrderView, type OrderView } from '../order.view';
import type { PlaceOrderRequest } from './place-order.request';
import { PlaceOrderAdmission } from './place-order-admission.service';
import { requestHash } from './request-hash';

export interface PlacedOrder {
  order: OrderView;
  /** True when an earlier request with the same Idempotency-Key and body had placed it. */
  replayed: boolean;
}

/**
 * Places an order: prices it from the catalogue replica and writes the order, its first timeline
 * entry, PedidoCriado (outbox) and the Idempotency-Key in one transaction (shared, under load, with
 * the orders placed at the same moment: one commit for all of them). Every write goes with the COMMIT,
 * so placing an order costs one round trip to PostgreSQL.
 */
@Injectable()
export class PlaceOrderService {
  private readonly logger = new Logger(PlaceOrderService.name);

  constructor(
    private readonly database: Database,
    private readonly orders: OrderRepository,
    private readonly catalog: CatalogRepository,
    private readonly outbox: OutboxService,
    private readonly admission: PlaceOrderAdmission,
  ) {}

  async execute(request: PlaceOrderRequest, idempotencyKey?: string): Promise<PlacedOrder> {
    const idempotency = idempotencyKey ? { key: idempotencyKey, hash: requestHash(request) } : undefined;
    if (idempotency) {
      const earlier = await this.replay(idempotency.key, idempotency.hash);
      if (earlier) return earlier;
    }
    const placed = this.admission.admit();
    try {
      return await this.place(request, idempotency);
    } finally {
      placed();
    }
  }

  private async place(
    request: PlaceOrderRequest,
    idempotency: { key: string; hash: string } | undefined,
  ): Promise<PlacedOrder> {
    const catalog = await this.catalog.pricesOf(request.items.map((item) => item.sku));
    const priced = priceOrder(request.items, catalog);
    if (priced.kind === 'unknown-skus') {
      throw new OrdersError(
        'UNKNOWN_SKU',
        `unknown SKU: ${priced.indexes.map((i) => request.items[i]!.sku).join(', ')}`,
        priced.indexes.map((i) => ({
          field: `items.${i}.sku`,
          message: `no product ${request.items[i]!.sku} in the catalogue`,
        })),
      );
    }
    if (!AmountCents.safeParse(priced.totalCents).success) {
      throw new OrdersError('ORDER_TOTAL_TOO_LARGE', 'the order total exceeds the largest accepted amount', [
        { field: 'items', message: 'order total too large' },
      ]);
    }

    const orderId = randomUUID();
    let order: OrderRecord;
    try {
      order = await this.database.sharedTransaction(async (tx) => {
        const placed = await this.outbox.add(
          tx,
          PedidoCriado,
          {
            orderId,
            customer: request.customer,
            lines: priced.lines,
            totalCents: priced.totalCents,
            currency: 'BRL',
            shippingAddress: request.shippingAddress,
            payment: request.payment,
            placedAt: new Date().toISOString(),
          },
          { correlationId: orderId },
        );
        const created = this.orders.create(tx, {
          id: orderId,
          customer: request.customer,
          lines: priced.lines,
          totalCents: priced.totalCents,
          shippingAddress: request.shippingAddress,
          placedBy: { eventId: placed.id, occurredAt: new Date(placed.occurredAt) },
        });
        if (idempotency) this.orders.recordIdempotencyKey(tx, idempotency.key, idempotency.hash, orderId);
        return created;
      });
    } catch (error) {
      if (!idempotency || !isIdempotencyKeyTaken(error)) throw error;
      // A concurrent request with the same key committed first: answer as it did.
      const winner = await this.replay(idempotency.key, idempotency.hash);
      if (!winner) throw new Error(`idempotency key taken but not found: ${idempotency.key}`);
      return winner;
    }

    this.logger.debug({ msg: 'order placed', orderId, lines: priced.lines.length, totalCents: priced.totalCents });
    // Answered from what was just written: no second round trip to read the order back.
    return { order: toOrderView(order), replayed: false };
  }

  /** The order an earlier request with this key placed, or a 409 if that request had another body. */
  private async replay(key: string, hash: string): Promise<PlacedOrder | undefined> {
    const earlier = await this.orders.findIdempotencyKey(key);
    if (!earlier) return undefined;
    if (earlier.requestHash !== hash) {
      throw new OrdersError(
        'IDEMPOTENCY_KEY_REUSED',
        'this Idempotency-Key was already used with a different request body',
      );
    }
    const order = await this.orders.findById(earlier.orderId);
    this.logger.log({ msg: 'idempotent replay', orderId: earlier.orderId });
    return { order: toOrderView(order!), replayed: true };
  }
}
