import { Inject, Injectable } from '@nestjs/common';
import type { DataOf, ProdutoAtualizado } from '@loja/contracts';
import { Database, type SqlTransaction } from '@loja/messaging';
import { ORDERS_CONFIG, type OrdersConfig } from '../config/orders.config';
import { PrismaService } from '../prisma/prisma.service';
import { CatalogPrices, type ProductPrice } from './catalog-prices';

/** A product of the replica, as the rest of Orders sees it. */
export interface CatalogProductRecord {
  sku: string;
  name: string;
  priceCents: number;
  stockAvailable: number;
  /** Inventory's revision: an update older than this one is ignored. */
  revision: number;
}

interface PriceRow {
  sku: string;
  name: string;
  price_cents: number;
}

const UPSERT_IF_NEWER = `INSERT INTO catalog_product (sku, name, price_cents, stock_available, revision, updated_at)
  SELECT *, now() FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
  ON CONFLICT (sku) DO UPDATE SET
    name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, stock_available = EXCLUDED.stock_available,
    revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at
  WHERE catalog_product.revision < EXCLUDED.revision`;

/** The only place that reads and writes the catalogue replica. */
@Injectable()
export class CatalogRepository {
  private readonly prices: CatalogPrices;

  constructor(
    private readonly prisma: PrismaService,
    private readonly database: Database,
    @Inject(ORDERS_CONFIG) config: OrdersConfig,
  ) {
    this.prices = new CatalogPrices(config.ORDERS_CATALOG_PRICES_TTL_MS, (skus) => this.readPrices(skus));
  }

  /**
   * Inserts the product, or overwrites it only when `product.revision` is newer than the stored one:
   * updates can arrive out of order (retries, several inventory replicas), and a stale one must not win.
   * The updates of a transaction are written in one statement just before COMMIT, the newest per SKU.
   */
  replicate(tx: SqlTransaction, product: DataOf<typeof ProdutoAtualizado>): void {
    tx.afterCommit(() => this.prices.replicated(product));
    tx.writeBeforeCommit(UPSERT_IF_NEWER, product, (updates) => {
      const newest = new Map<string, DataOf<typeof ProdutoAtualizado>>();
      for (const update of updates) {
        if ((newest.get(update.sku)?.revision ?? -1) < update.revision) newest.set(update.sku, update);
      }
      const products = [...newest.values()];
      return tx.executeAtCommit(UPSERT_IF_NEWER, [
        products.map((p) => p.sku),
        products.map((p) => p.name),
        products.map((p) => p.priceCents),
        products.map((p) => p.stockAvailable),
        products.map((p) => p.revision),
      ]);
    });
  }

  /** Name and price of each SKU among `skus` the replica holds; every order placed asks (see CatalogPrices). */
  pricesOf(skus: readonly string[]): Promise<Map<string, ProductPrice>> {
    return this.prices.of(skus);
  }

  private async readPrices(skus: string[]): Promise<Map<string, ProductPrice>> {
    const rows = await this.database.query<PriceRow>(
      'SELECT sku, name, price_cents FROM catalog_product WHERE sku = ANY($1::text[])',
      [skus],
    );
    return new Map(rows.map((row) => [row.sku, { name: row.name, priceCents: row.price_cents }]));
  }

  findOne(sku: string): Promise<CatalogProductRecord | null> {
    return this.prisma.catalogProduct.findUnique({ where: { sku } });
  }

  list(): Promise<CatalogProductRecord[]> {
    return this.prisma.catalogProduct.findMany({ orderBy: { sku: 'asc' } });
  }
}
