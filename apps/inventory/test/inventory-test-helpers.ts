import { randomUUID } from 'node:crypto';
import { createEvent, PedidoCriado } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';

/** A PedidoCriado from Orders for a new order of `lines`. */
export function pedidoCriado(lines: Array<{ sku: string; quantity: number }>) {
  const orderId = randomUUID();
  const data = sampleData(PedidoCriado, {
    orderId,
    lines: lines.map((l) => ({ ...l, name: l.sku, unitPriceCents: 1000 })),
    totalCents: 1000,
  });
  return createEvent(PedidoCriado, data, { source: 'orders', correlationId: orderId });
}

/** The stock of `sku` as Inventory's GET /products shows it. */
export async function stockOf(baseUrl: string, sku: string): Promise<number> {
  const products = (await (await fetch(`${baseUrl}/products`)).json()) as Array<{
    sku: string;
    stockAvailable: number;
  }>;
  return products.find((p) => p.sku === sku)!.stockAvailable;
}
