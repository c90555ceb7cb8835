import { z } from 'zod';
import { ProductView } from './catalog/product.view';
import { CancelOrderRequest } from './orders/cancel-order/cancel-order.request';
import { OrderPage, OrderView } from './orders/order.view';
import { PlaceOrderRequest } from './orders/place-order/place-order.request';

/** The error body of every 4xx/5xx (service-kit's DomainErrorFilter). */
export const ErrorResponse = z.object({
  statusCode: z.number().int(),
  code: z.string().meta({ description: 'Stable code to branch on, e.g. INVALID_REQUEST, UNKNOWN_SKU' }),
  message: z.string(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** Named schemas of the OpenAPI document, generated from the zod schemas the code validates with. */
export const API_SCHEMAS = {
  PlaceOrderRequest: { schema: PlaceOrderRequest, io: 'input' },
  CancelOrderRequest: { schema: CancelOrderRequest, io: 'input' },
  OrderView: { schema: OrderView, io: 'output' },
  OrderPage: { schema: OrderPage, io: 'output' },
  ProductView: { schema: ProductView, io: 'output' },
  ErrorResponse: { schema: ErrorResponse, io: 'output' },
} as const satisfies Record<string, { schema: z.ZodType; io: 'input' | 'output' }>;

export type ApiSchemaName = keyof typeof API_SCHEMAS;

/** An OpenAPI 3.0 schema object from a zod schema. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, any> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io }) as Record<string, any>;
  return json;
}

export function schemaRef(name: ApiSchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

export function apiComponentSchemas(): Record<string, Record<string, any>> {
  return Object.fromEntries(
    Object.entries(API_SCHEMAS).map(([name, { schema, io }]) => [name, openApiSchema(schema, io)]),
  );
}
