/** What an order line takes from the catalogue. */
export interface ProductPrice {
  name: string;
  priceCents: number;
}

interface Cached {
  price: ProductPrice;
  readAt: number;
}

/**
 * The names and prices orders are placed at, kept in memory so that placing an order reads nothing
 * but what it writes. The replica itself follows Inventory asynchronously; this adds at most `ttlMs`
 * to that lag, and nothing when the change reaches this process: `replicated` (after the replica's
 * commit) drops a product whose name or price changed, and the next order reads it again. Another
 * Orders instance that replicated the change is seen once the entry is `ttlMs` old. Stock-only
 * updates (most of them) keep the entry. A SKU the replica does not hold is not remembered: it may
 * arrive at any moment.
 */
export class CatalogPrices {
  private readonly entries = new Map<string, Cached>();
  /** Counts the drops: a read that began before one must not store what it read. */
  private drops = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly read: (skus: string[]) => Promise<Map<string, ProductPrice>>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Name and price of every SKU the replica holds among `skus`. */
  async of(skus: readonly string[]): Promise<Map<string, ProductPrice>> {
    const now = this.now();
    const prices = new Map<string, ProductPrice>();
    const missing: string[] = [];
    for (const sku of new Set(skus)) {
      const cached = this.entries.get(sku);
      if (cached && now - cached.readAt < this.ttlMs) prices.set(sku, cached.price);
      else missing.push(sku);
    }
    if (missing.length === 0) return prices;
    const dropsBefore = this.drops;
    const read = await this.read(missing);
    const keep = dropsBefore === this.drops;
    for (const [sku, price] of read) {
      prices.set(sku, price);
      if (keep) this.entries.set(sku, { price, readAt: now });
    }
    return prices;
  }

  /**
   * The replica committed this product: a new name or price is read again by the next order. A read
   * already under way may hold the old one: it is used, but not kept.
   */
  replicated(product: { sku: string } & ProductPrice): void {
    const cached = this.entries.get(product.sku);
    if (cached && cached.price.name === product.name && cached.price.priceCents === product.priceCents) return;
    this.entries.delete(product.sku);
    this.drops++;
  }
}
