import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { parseRequest } from '@loja/service-kit';
import { z } from 'zod';
import { OrdersError } from '../../errors';
import { schemaRef } from '../../openapi.schemas';
import type { OrderView } from '../order.view';
import { CancelOrderRequest } from './cancel-order.request';
import { CancelOrderService } from './cancel-order.service';

const OrderId = z.uuid();

interface StatusSink {
  status(code: number): unknown;
}

@ApiTags('orders')
@Controller('orders')
export class CancelOrderController {
  constructor(private readonly cancelOrder: CancelOrderService) {}

  @Post(':id/cancel')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask to cancel an order',
    description:
      'Accepted until the parcel leaves (PENDING, STOCK_RESERVED, PAID, IN_PREPARATION). Logistics decides: ' +
      'the order then becomes CANCELLED (CUSTOMER_CANCELLED) with its stock returned and its payment ' +
      'refunded, or, if the parcel left meanwhile, stays SHIPPED and the timeline shows CancelamentoRecusado. ' +
      'Repeating the request changes nothing.',
  })
  @ApiBody({ schema: schemaRef('CancelOrderRequest'), required: false })
  @ApiAcceptedResponse({
    description: 'Cancellation requested (or already requested); follow GET /orders/{id}',
    schema: schemaRef('OrderView'),
  })
  @ApiOkResponse({ description: 'The order is cancelled already', schema: schemaRef('OrderView') })
  @ApiConflictResponse({
    description: 'ORDER_ALREADY_SHIPPED: the parcel has left',
    schema: schemaRef('ErrorResponse'),
  })
  @ApiNotFoundResponse({
    description: 'ORDER_NOT_FOUND (also for ids that are not UUIDs)',
    schema: schemaRef('ErrorResponse'),
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid body; `errors` names every field',
    schema: schemaRef('ErrorResponse'),
  })
  async handle(
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: StatusSink,
  ): Promise<OrderView> {
    // A malformed id names no order: 404 like any other unknown id.
    if (!OrderId.safeParse(id).success) throw new OrdersError('ORDER_NOT_FOUND', `no order ${id}`);
    const request = parseRequest(CancelOrderRequest, body ?? {});
    const { order, pending } = await this.cancelOrder.execute(id, request.reason);
    if (!pending) response.status(200);
    return order;
  }
}
