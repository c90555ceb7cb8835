import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { InvalidRequestError, parseRequest, type FieldError } from '@loja/service-kit';
import { OrdersError } from '../../errors';
import { schemaRef } from '../../openapi.schemas';
import type { OrderView } from '../order.view';
import { IdempotencyKey, PlaceOrderRequest } from './place-order.request';
import { PlaceOrderService } from './place-order.service';

interface HeaderSink {
  setHeader(name: string, value: string): unknown;
}

@ApiTags('orders')
@Controller('orders')
export class PlaceOrderController {
  constructor(private readonly placeOrder: PlaceOrderService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Place an order',
    description:
      'Prices come from the catalogue replica, never from the client. Publishes PedidoCriado. ' +
      'With Idempotency-Key, repeating the same request returns the same order (Idempotent-Replayed: true).',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1 to 200 characters' })
  @ApiBody({ schema: schemaRef('PlaceOrderRequest') })
  @ApiCreatedResponse({
    description: 'Order placed (or replayed); Location: /orders/{id}',
    schema: schemaRef('OrderView'),
  })
  @ApiResponse({
    status: 400,
    description: 'Invalid body or header; `errors` names every field',
    schema: schemaRef('ErrorResponse'),
  })
  @ApiConflictResponse({ description: 'IDEMPOTENCY_KEY_REUSED', schema: schemaRef('ErrorResponse') })
  @ApiResponse({ status: 413, description: 'Body over 64 kB', schema: schemaRef('ErrorResponse') })
  @ApiResponse({ status: 415, description: 'Content-Type is not application/json', schema: schemaRef('ErrorResponse') })
  @ApiResponse({
    status: 422,
    description: 'UNKNOWN_SKU (errors name items.N.sku)',
    schema: schemaRef('ErrorResponse'),
  })
  async handle(
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: HeaderSink,
  ): Promise<OrderView> {
    requireJson(contentType);
    const errors: FieldError[] = [];
    const request = collectErrors(errors, () => parseRequest(PlaceOrderRequest, body));
    const key =
      idempotencyKey === undefined
        ? undefined
        : collectErrors(errors, () => parseRequest(IdempotencyKey, idempotencyKey, 'Idempotency-Key'));
    if (errors.length) throw new InvalidRequestError(errors);

    const { order, replayed } = await this.placeOrder.execute(request!, key);
    response.setHeader('Location', `/orders/${order.id}`);
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return order;
  }
}

/** Without this, a non-JSON body reaches the controller as `undefined` and reads as a 400. */
function requireJson(contentType: string | undefined): void {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    throw new OrdersError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be application/json${contentType ? `, not ${contentType}` : ''}`,
    );
  }
}

/** Runs a validation, keeping its field errors so body and header failures are reported together. */
function collectErrors<T>(errors: FieldError[], validate: () => T): T | undefined {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
    errors.push(...error.errors);
    return undefined;
  }
}
