import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { OrdersError } from '../../errors';
import { schemaRef } from '../../openapi.schemas';
import { OrderRepository } from '../order.repository';
import { toOrderView, type OrderView } from '../order.view';

const OrderId = z.uuid();

@ApiTags('orders')
@Controller('orders')
export class GetOrderController {
  constructor(private readonly orders: OrderRepository) {}

  @Get(':id')
  @ApiOperation({ summary: 'An order with its lines, totals, status and timeline of events' })
  @ApiOkResponse({ schema: schemaRef('OrderView') })
  @ApiNotFoundResponse({
    description: 'ORDER_NOT_FOUND (also for ids that are not UUIDs)',
    schema: schemaRef('ErrorResponse'),
  })
  async handle(@Param('id') id: string): Promise<OrderView> {
    // A malformed id names no order: 404 like any other unknown id.
    const order = OrderId.safeParse(id).success ? await this.orders.findById(id) : null;
    if (!order) throw new OrdersError('ORDER_NOT_FOUND', `no order ${id}`);
    return toOrderView(order);
  }
}
