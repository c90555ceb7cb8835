import { Injectable } from '@nestjs/common';
import type { DataOf, ProdutoAtualizado } from '@loja/contracts';
import { Database, type SqlTransaction } from '@loja/messaging';
import { PrismaService } from '../prisma/prisma.service';

/** A product of the replica, as the rest of Orders sees it. */
export interface CatalogProductRecord {
  sku: string;
  name: string;
  priceCents: number;
  stockAvailable: number;
  /** Inventory's revision: an update older than this one is ignored. */
  revision: number;
}

interface CatalogRow {
  sku: string;
  name: string;
  price_cents: number;
  stock_available: number;
  revision: number;
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
  constructor(
    private readonly prisma: PrismaService,
    private readonly database: Database,
  ) {}

  /**
   * Inserts the product, or overwrites it only when `product.revision` is newer than the stored one:
   * updates can arrive out of order (retries, several inventory replicas), and a stale one must not win.
   * The updates of a transaction are written in one statement just before COMMIT, the newest per SKU.
   */
  replicate(tx: SqlTransaction, product: DataOf<typeof ProdutoAtualizado>): void {
    tx.writeBeforeCommit(UPSERT_IF_NEWER, product, (updates) => {
      const newest = new Map<string, DataOf<typeof ProdutoAtualizado>>();
      for (const update of updates) {
        if ((newest.get(update.sku)?.revision ?? -1) < update.revision) newest.set(update.sku, update);
      }
      const products = [...newest.values()];
      return tx.execute(UPSERT_IF_NEWER, [
        products.map((p) => p.sku),
        products.map((p) => p.name),
        products.map((p) => p.priceCents),
        products.map((p) => p.stockAvailable),
        products.map((p) => p.revision),
      ]);
    });
  }

  /** Every order placed reads this: one prepared statement, not a Prisma query to compile. */
  async findBySkus(skus: string[]): Promise<Map<string, CatalogProductRecord>> {
    const rows = await this.database.query<CatalogRow>(
      `SELECT sku, name, price_cents, stock_available, revision
       FROM catalog_product WHERE sku = ANY($1::text[])`,
      [[...new Set(skus)]],
    );
    return new Map(
      rows.map((row) => [
        row.sku,
        {
          sku: row.sku,
          name: row.name,
          priceCents: row.price_cents,
          stockAvailable: row.stock_available,
          revision: row.revision,
        },
      ]),
    );
  }

  findOne(sku: string): Promise<CatalogProductRecord | null> {
    return this.prisma.catalogProduct.findUnique({ where: { sku } });
  }

  list(): Promise<CatalogProductRecord[]> {
    return this.prisma.catalogProduct.findMany({ orderBy: { sku: 'asc' } });
  }
}
