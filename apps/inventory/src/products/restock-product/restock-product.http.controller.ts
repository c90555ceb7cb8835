import { Body, Controller, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { Quantity, Sku } from '@loja/contracts';
import { parseRequest } from '@loja/service-kit';
import { z } from 'zod';
import { INVENTORY_CONFIG, type InventoryConfig } from '../../config/inventory.config';
import { InventoryError } from '../../errors';
import { RestockProductService } from './restock-product.service';

const RestockRequest = z.strictObject({ quantity: Quantity });

/** Admin: adds units to a SKU's stock; announces the change (ProdutoAtualizado). */
@Controller('products')
export class RestockProductController {
  constructor(
    private readonly restock: RestockProductService,
    @Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig,
  ) {}

  @Post(':sku/restock')
  @HttpCode(200)
  async handle(@Param('sku') sku: string, @Body() body: unknown, @Headers('x-admin-token') token?: string) {
    if (this.config.INVENTORY_ADMIN_TOKEN && token !== this.config.INVENTORY_ADMIN_TOKEN) {
      throw new InventoryError('FORBIDDEN', 'x-admin-token is missing or wrong');
    }
    const { quantity } = parseRequest(RestockRequest, body);
    const product = await this.restock.execute(parseRequest(Sku, sku, 'sku'), quantity);
    return { sku: product.sku, stockAvailable: product.stockAvailable, revision: product.revision };
  }
}
