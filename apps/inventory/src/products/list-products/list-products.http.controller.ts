import { Controller, Get } from '@nestjs/common';
import { ProductRepository } from '../product.repository';

@Controller('products')
export class ListProductsController {
  constructor(private readonly products: ProductRepository) {}

  /** The catalogue with current available stock. */
  @Get()
  async list() {
    const products = await this.products.list();
    return products.map((p) => ({
      sku: p.sku,
      name: p.name,
      priceCents: p.priceCents,
      currency: 'BRL',
      stockAvailable: p.stockAvailable,
      revision: p.revision,
    }));
  }
}
