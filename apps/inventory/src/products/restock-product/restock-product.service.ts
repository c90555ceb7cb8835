import { Injectable } from '@nestjs/common';
import { Database } from '@loja/messaging';
import { InventoryError } from '../../errors';
import { ProductChanges } from '../product-changes.service';
import { ProductRepository, type ProductRecord } from '../product.repository';

@Injectable()
export class RestockProductService {
  constructor(
    private readonly database: Database,
    private readonly products: ProductRepository,
    private readonly changes: ProductChanges,
  ) {}

  execute(sku: string, quantity: number): Promise<ProductRecord> {
    return this.database.transaction(async (tx) => {
      const locked = await this.products.lockStock(tx, [sku]);
      if (!locked.has(sku)) throw new InventoryError('UNKNOWN_SKU', `no product ${sku}`);
      const product = await this.products.adjustStockAndAnnounce(tx, sku, quantity);
      this.changes.announce(tx, product);
      return product;
    });
  }
}
