import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseRequest } from '@loja/service-kit';
import { openApiSchema, schemaRef } from '../../openapi.schemas';
import { OrderRepository } from '../order.repository';
import { OrderStatusSchema, toOrderSummary, type OrderPage } from '../order.view';
import { ListOrdersQuery } from './list-orders.query';

@ApiTags('orders')
@Controller('orders')
export class ListOrdersController {
  constructor(private readonly orders: OrderRepository) {}

  @Get()
  @ApiOperation({ summary: 'Orders, newest first, a page at a time, optionally of one status' })
  @ApiQuery({ name: 'status', required: false, schema: openApiSchema(OrderStatusSchema) })
  @ApiQuery({ name: 'page', required: false, schema: openApiSchema(ListOrdersQuery.shape.page) })
  @ApiQuery({ name: 'pageSize', required: false, schema: openApiSchema(ListOrdersQuery.shape.pageSize) })
  @ApiOkResponse({ schema: schemaRef('OrderPage') })
  @ApiBadRequestResponse({
    description: 'Invalid query; `errors` names every field',
    schema: schemaRef('ErrorResponse'),
  })
  async handle(@Query() query: unknown): Promise<OrderPage> {
    const { status, page, pageSize } = parseRequest(ListOrdersQuery, query);
    const { items, total } = await this.orders.list({ status, page, pageSize });
    return { items: items.map(toOrderSummary), page, pageSize, total };
  }
}
