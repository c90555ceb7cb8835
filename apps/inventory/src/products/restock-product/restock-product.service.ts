import { Injectable } from '@nestjs/common';
import { DomainError } from '@loja/service-kit';
import { PrismaService } from '../../prisma/prisma.service';
import { ProductChanges } from '../product-changes';
import { ProductRepository } from '../product.repository';

@Injectable()
export class RestockProductService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly products: ProductRepository,
    private readonly changes: ProductChanges,
  ) {}

  execute(sku: string, quantity: number) {
    return this.prisma.$transaction(async (tx) => {
      const locked = await this.products.lockStock(tx, [sku]);
      if (!locked.has(sku)) throw new DomainError('UNKNOWN_SKU', `no product ${sku}`, 404);
      const product = await this.products.adjustStock(tx, sku, quantity);
      await this.changes.announce(tx, product);
      return product;
    });
  }
}
