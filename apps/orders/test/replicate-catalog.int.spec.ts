import { waitFor } from '@loja/messaging/testing';
import { describe, expect, it } from 'vitest';
import { PrismaService } from '../src/prisma/prisma.service';
import { sampleOrderRequest } from '@loja/contracts/samples';
import { CATALOG, ordersUnderTest, productUpdate } from './orders-alone';

describe('catalogue replica, fed by ProdutoAtualizado', () => {
  const orders = ordersUnderTest('orders_catalog');

  it('takes a newer revision and ignores a stale one', async () => {
    const product = CATALOG[2]!;
    await orders.send(productUpdate({ ...product, priceCents: 3900 }, 5, 7));
    await waitFor('revision 5', async () => (await orders.getJson(`/products/${product.sku}`)).body.revision === 5);

    const stale = productUpdate({ ...product, priceCents: 1 }, 4);
    await orders.send(stale);
    const prisma = orders.app.get(PrismaService);
    await waitFor('stale update consumed', () =>
      prisma.inboxMessage.findUnique({
        where: { consumer_eventId: { consumer: 'orders.catalog-replica', eventId: stale.id } },
      }),
    );
    expect((await orders.getJson(`/products/${product.sku}`)).body).toEqual({
      sku: product.sku,
      name: product.name,
      priceCents: 3900,
      currency: 'BRL',
      stockAvailable: 7,
      revision: 5,
    });
  });

  it('prices the next order at a new price as soon as the replica has it', async () => {
    const product = CATALOG[1]!;
    const order = sampleOrderRequest({ items: [{ sku: product.sku, quantity: 2 }] });
    expect((await orders.placeOrder(order)).totalCents).toBe(2 * product.priceCents);

    await orders.send(productUpdate({ ...product, priceCents: product.priceCents + 100 }, 2));
    await waitFor(
      'new price replicated',
      async () => (await orders.getJson(`/products/${product.sku}`)).body.priceCents === product.priceCents + 100,
    );
    const repriced = await orders.placeOrder(order);
    expect(repriced.totalCents).toBe(2 * (product.priceCents + 100));
    expect(repriced.lines).toEqual([
      expect.objectContaining({ sku: product.sku, quantity: 2, unitPriceCents: product.priceCents + 100 }),
    ]);
  });
});
