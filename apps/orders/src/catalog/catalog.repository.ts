import { Injectable } from '@nestjs/common';
import type { DataOf, ProdutoAtualizado } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import type { CatalogProduct } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** The only place that reads and writes the catalogue replica. */
@Injectable()
export class CatalogRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Inserts the product, or overwrites it only when `product.revision` is newer than the stored one:
   * updates can arrive out of order (retries, several inventory replicas), and a stale one must not win.
   * Returns false when the update was stale.
   */
  async upsertIfNewer(tx: SqlTransaction, product: DataOf<typeof ProdutoAtualizado>): Promise<boolean> {
    const written = await tx.execute(
      `INSERT INTO catalog_product (sku, name, price_cents, stock_available, revision, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (sku) DO UPDATE SET
         name = EXCLUDED.name, price_cents = EXCLUDED.price_cents, stock_available = EXCLUDED.stock_available,
         revision = EXCLUDED.revision, updated_at = EXCLUDED.updated_at
       WHERE catalog_product.revision < EXCLUDED.revision`,
      [product.sku, product.name, product.priceCents, product.stockAvailable, product.revision],
    );
    return written > 0;
  }

  async findBySkus(skus: string[]): Promise<Map<string, CatalogProduct>> {
    const products = await this.prisma.catalogProduct.findMany({ where: { sku: { in: [...new Set(skus)] } } });
    return new Map(products.map((p) => [p.sku, p]));
  }

  findOne(sku: string): Promise<CatalogProduct | null> {
    return this.prisma.catalogProduct.findUnique({ where: { sku } });
  }

  list(): Promise<CatalogProduct[]> {
    return this.prisma.catalogProduct.findMany({ orderBy: { sku: 'asc' } });
  }
}
