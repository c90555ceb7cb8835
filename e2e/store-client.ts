import { SAMPLE_CUSTOMER, SAMPLE_PAYMENT, sampleOrderRequest } from '@loja/contracts/samples';
import { waitFor } from '@loja/messaging/testing';

/** What a user of the store does over HTTP, as small typed helpers for the end-to-end tests. */
export interface OrderView {
  id: string;
  status: string;
  cancellationReason: string | null;
  cancellationRequestedAt: string | null;
  trackingCode: string | null;
  carrier: string | null;
  totalCents: number;
  lines: Array<{ sku: string; quantity: number; unitPriceCents: number }>;
  timeline: Array<{ type: string; status: string; occurredAt: string }>;
}

export const FINAL_STATUSES = ['SHIPPED', 'CANCELLED'];

export function orderRequest(
  items: Array<{ sku: string; quantity: number }>,
  cardToken = SAMPLE_PAYMENT.cardToken,
  email = SAMPLE_CUSTOMER.email,
) {
  return sampleOrderRequest({ customer: { ...SAMPLE_CUSTOMER, email }, items, payment: { method: 'card', cardToken } });
}

export class StoreClient {
  constructor(private readonly urls: { orders: string; inventory: string }) {}

  /** POST /orders; `retryAfterSeconds` is the Retry-After of a 503 (Orders is behind). */
  async placeOrder(
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; order: OrderView; retryAfterSeconds?: number }> {
    const response = await fetch(`${this.urls.orders}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const retryAfter = response.headers.get('retry-after');
    return {
      status: response.status,
      order: (await response.json()) as OrderView,
      ...(retryAfter === null ? {} : { retryAfterSeconds: Number(retryAfter) }),
    };
  }

  /** POST /orders/:id/cancel: 202 (requested), 200 (cancelled already), 409 (shipped), 404. */
  async cancel(id: string, reason?: string): Promise<{ status: number; body: OrderView & { code?: string } }> {
    const response = await fetch(`${this.urls.orders}/orders/${id}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(reason === undefined ? {} : { reason }),
    });
    return { status: response.status, body: (await response.json()) as OrderView & { code?: string } };
  }

  async order(id: string): Promise<OrderView> {
    const response = await fetch(`${this.urls.orders}/orders/${id}`);
    if (!response.ok) throw new Error(`GET /orders/${id}: ${response.status}`);
    return (await response.json()) as OrderView;
  }

  /** Waits until the order reaches a final status (SHIPPED or CANCELLED) and returns it. */
  async settled(id: string, timeoutMs = 60_000): Promise<OrderView> {
    return waitFor(
      `order ${id} in a final state`,
      async () => {
        const order = await this.order(id);
        return FINAL_STATUSES.includes(order.status) ? order : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  /** Adds `quantity` units of `sku` through Inventory's admin endpoint. */
  async restock(sku: string, quantity: number): Promise<void> {
    const response = await fetch(`${this.urls.inventory}/products/${sku}/restock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity }),
    });
    if (!response.ok) throw new Error(`POST /products/${sku}/restock: ${response.status}`);
  }

  async stock(): Promise<Map<string, number>> {
    const products = (await (await fetch(`${this.urls.inventory}/products`)).json()) as Array<{
      sku: string;
      stockAvailable: number;
    }>;
    return new Map(products.map((p) => [p.sku, p.stockAvailable]));
  }

  /**
   * Waits until Orders has applied every product announcement (its replica is what prices orders):
   * its health page counts the events it handled.
   */
  async catalogueReplicated(): Promise<void> {
    const products = (await this.stock()).size;
    await waitFor('catalogue replicated to orders', async () => {
      const health = (await (await fetch(`${this.urls.orders}/health`)).json()) as {
        details: { consumers: { handled: number } };
      };
      return health.details.consumers.handled >= products;
    });
  }
}
