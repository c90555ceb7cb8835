import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OrdersError } from '../../errors';
import { schemaRef } from '../../openapi.schemas';
import { CatalogRepository } from '../catalog.repository';
import { toProductView, type ProductView } from '../product.view';

/** The catalogue replica, read-only: the SKUs and prices an order can use right now. */
@ApiTags('catalogue')
@Controller('products')
export class ListProductsController {
  constructor(private readonly catalog: CatalogRepository) {}

  @Get()
  @ApiOperation({ summary: 'Products Orders can sell (replica of inventory’s catalogue)' })
  @ApiOkResponse({ schema: { type: 'array', items: schemaRef('ProductView') } })
  async list(): Promise<ProductView[]> {
    return (await this.catalog.list()).map(toProductView);
  }

  @Get(':sku')
  @ApiOperation({ summary: 'One product of the replica' })
  @ApiOkResponse({ schema: schemaRef('ProductView') })
  @ApiNotFoundResponse({ schema: schemaRef('ErrorResponse') })
  async get(@Param('sku') sku: string): Promise<ProductView> {
    const product = await this.catalog.findOne(sku);
    if (!product) throw new OrdersError('PRODUCT_NOT_FOUND', `no product ${sku}`);
    return toProductView(product);
  }
}
