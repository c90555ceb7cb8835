import { Injectable } from '@nestjs/common';
import type { Product } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/** The only place that reads and writes products. */
@Injectable()
export class ProductRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(): Promise<Product[]> {
    return this.prisma.product.findMany({ orderBy: { sku: 'asc' } });
  }

  /**
   * Available stock of `skus`, with their rows locked until the transaction ends (in SKU order, so
   * two reservations never deadlock): concurrent reservations of the same SKU, from any number of
   * inventory processes, run one after the other.
   */
  async lockStock(tx: Tx, skus: string[]): Promise<Map<string, number>> {
    const rows = await tx.$queryRawUnsafe<Array<{ sku: string; stock_available: number }>>(
      'SELECT sku, stock_available FROM product WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
      [...skus].sort(),
    );
    return new Map(rows.map((row) => [row.sku, row.stock_available]));
  }

  /** Adds `delta` (negative to take) to a product's stock and bumps its revision. */
  adjustStock(tx: Tx, sku: string, delta: number): Promise<Product> {
    return tx.product.update({
      where: { sku },
      data: { stockAvailable: { increment: delta }, revision: { increment: 1 } },
    });
  }
}
