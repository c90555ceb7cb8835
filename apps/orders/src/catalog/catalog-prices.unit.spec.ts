import { describe, expect, it } from 'vitest';
import { CatalogPrices, type ProductPrice } from './catalog-prices';

/** A replica in memory that counts its reads, and a clock the test moves. */
function setUp(ttlMs = 1000) {
  const replica = new Map<string, ProductPrice>([
    ['CANECA', { name: 'Caneca', priceCents: 2590 }],
    ['BONE', { name: 'Boné', priceCents: 3500 }],
  ]);
  const reads: string[][] = [];
  let pending: Array<() => void> = [];
  let holdReads = false;
  const clock = { now: 0 };
  const prices = new CatalogPrices(
    ttlMs,
    async (skus) => {
      reads.push(skus);
      const answer = new Map(skus.filter((sku) => replica.has(sku)).map((sku) => [sku, replica.get(sku)!]));
      if (holdReads) await new Promise<void>((resolve) => pending.push(resolve));
      return answer;
    },
    () => clock.now,
  );
  const release = () => {
    pending.forEach((resolve) => resolve());
    pending = [];
  };
  return { replica, reads, clock, prices, release, hold: (on: boolean) => (holdReads = on) };
}

describe('catalogue prices in memory', () => {
  it('reads a product once, then answers from memory until it is ttl old', async () => {
    const { reads, clock, prices } = setUp();
    expect(await prices.of(['CANECA', 'CANECA'])).toEqual(new Map([['CANECA', { name: 'Caneca', priceCents: 2590 }]]));
    clock.now = 999;
    await prices.of(['CANECA']);
    expect(reads).toEqual([['CANECA']]);

    clock.now = 1000;
    await prices.of(['CANECA', 'BONE']);
    expect(reads).toEqual([['CANECA'], ['CANECA', 'BONE']]);
  });

  it('reads only the products it does not hold', async () => {
    const { reads, prices } = setUp();
    await prices.of(['CANECA']);
    expect((await prices.of(['CANECA', 'BONE'])).size).toBe(2);
    expect(reads).toEqual([['CANECA'], ['BONE']]);
  });

  it('reads a replicated change of price at once, and keeps the entry when only the stock changed', async () => {
    const { replica, reads, prices } = setUp();
    await prices.of(['CANECA']);
    prices.replicated({ sku: 'CANECA', name: 'Caneca', priceCents: 2590 });
    await prices.of(['CANECA']);
    expect(reads).toHaveLength(1);

    replica.set('CANECA', { name: 'Caneca', priceCents: 2790 });
    prices.replicated({ sku: 'CANECA', name: 'Caneca', priceCents: 2790 });
    expect((await prices.of(['CANECA'])).get('CANECA')?.priceCents).toBe(2790);
    expect(reads).toHaveLength(2);
  });

  it('does not keep what a read got while a change was being replicated', async () => {
    const { replica, reads, prices, release, hold } = setUp();
    hold(true);
    const racing = prices.of(['CANECA']); // reads 2590…
    replica.set('CANECA', { name: 'Caneca', priceCents: 2790 });
    prices.replicated({ sku: 'CANECA', name: 'Caneca', priceCents: 2790 }); // …while 2790 commits
    release();
    expect((await racing).get('CANECA')?.priceCents).toBe(2590);

    hold(false);
    expect((await prices.of(['CANECA'])).get('CANECA')?.priceCents).toBe(2790);
    expect(reads).toHaveLength(2);
  });

  it('does not remember a SKU the replica lacks: it is read again, and found once it arrives', async () => {
    const { replica, reads, prices } = setUp();
    expect((await prices.of(['NOVO'])).has('NOVO')).toBe(false);
    replica.set('NOVO', { name: 'Novo', priceCents: 100 });
    expect((await prices.of(['NOVO'])).get('NOVO')).toEqual({ name: 'Novo', priceCents: 100 });
    expect(reads).toEqual([['NOVO'], ['NOVO']]);
  });

  it('reads every time with a ttl of 0', async () => {
    const { reads, prices } = setUp(0);
    await prices.of(['CANECA']);
    await prices.of(['CANECA']);
    expect(reads).toHaveLength(2);
  });
});
