import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { AnyEventDefinition } from './catalog';
import type { DataOf } from './define-event';
import type { Customer, PaymentMethod, ShippingAddress } from './values';

/**
 * Valid sample values, built in one place: the POST /orders body and one payload per event. Tests, the
 * bench, the store's banner and the fuzz generator start from these and change what they are about.
 * Imported as `@loja/contracts/samples`, so no service carries them.
 */

export const SAMPLE_CUSTOMER: z.infer<typeof Customer> = { id: 'c-1', name: 'Ana Souza', email: 'ana@example.com' };

export const SAMPLE_SHIPPING_ADDRESS: z.infer<typeof ShippingAddress> = {
  street: 'Rua Augusta',
  number: '100',
  city: 'São Paulo',
  state: 'SP',
  postalCode: '01305-000',
  country: 'BR',
};

/** A card the simulated gateway approves (see Payments' README for the tokens it refuses). */
export const SAMPLE_PAYMENT: z.infer<typeof PaymentMethod> = { method: 'card', cardToken: 'tok_visa' };

/** A SKU of the catalogue Inventory seeds. */
export const SAMPLE_SKU = 'CAMISETA-BASICA-M';

/** The body of POST /orders, as a client sends it. */
export interface OrderRequestBody {
  customer: z.infer<typeof Customer>;
  items: Array<{ sku: string; quantity: number }>;
  shippingAddress: z.infer<typeof ShippingAddress>;
  payment: z.infer<typeof PaymentMethod>;
}

/**
 * A valid POST /orders body: two of SAMPLE_SKU, card approved; `overrides` replace whole fields. A copy
 * of its own each time, so a caller may change it in place.
 */
export function sampleOrderRequest(overrides: Partial<OrderRequestBody> = {}): OrderRequestBody {
  return structuredClone({
    customer: SAMPLE_CUSTOMER,
    items: [{ sku: SAMPLE_SKU, quantity: 2 }],
    shippingAddress: SAMPLE_SHIPPING_ADDRESS,
    payment: SAMPLE_PAYMENT,
    ...overrides,
  });
}

const ORDER = '6f1c2b9e-8d1a-4c55-9b0e-3a1f5e2d7c40';
const PAYMENT = '0b7e6c1a-2f3d-4e5f-8a9b-1c2d3e4f5a6b';
const SHIPMENT = '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a';
const LINE = { sku: SAMPLE_SKU, name: 'Camiseta Básica M', quantity: 2, unitPriceCents: 4990 };

/** One valid payload per event type, all about the same order. */
const SAMPLE_DATA = {
  ProdutoAtualizado: {
    sku: SAMPLE_SKU,
    name: LINE.name,
    priceCents: LINE.unitPriceCents,
    currency: 'BRL',
    stockAvailable: 10,
    revision: 1,
  },
  PedidoCriado: {
    orderId: ORDER,
    customer: SAMPLE_CUSTOMER,
    lines: [LINE],
    totalCents: LINE.quantity * LINE.unitPriceCents,
    currency: 'BRL',
    shippingAddress: SAMPLE_SHIPPING_ADDRESS,
    payment: SAMPLE_PAYMENT,
    placedAt: '2026-01-01T09:59:59.000Z',
  },
  EstoqueReservado: { orderId: ORDER, lines: [{ sku: SAMPLE_SKU, quantity: 2 }] },
  EstoqueIndisponivel: { orderId: ORDER, missing: [{ sku: SAMPLE_SKU, requested: 2, available: 1 }] },
  EstoqueLiberado: { orderId: ORDER, lines: [{ sku: SAMPLE_SKU, quantity: 2 }], reason: 'PAYMENT_REJECTED' },
  PagamentoAprovado: {
    orderId: ORDER,
    paymentId: PAYMENT,
    amountCents: 9980,
    currency: 'BRL',
    authorizationCode: 'AUTH-1',
  },
  PagamentoRejeitado: {
    orderId: ORDER,
    paymentId: PAYMENT,
    amountCents: 9980,
    currency: 'BRL',
    reason: 'CARD_DECLINED',
  },
  PedidoCancelado: { orderId: ORDER, reason: 'OUT_OF_STOCK' },
  PedidoEmPreparo: { orderId: ORDER, shipmentId: SHIPMENT },
  PedidoEnviado: {
    orderId: ORDER,
    shipmentId: SHIPMENT,
    carrier: 'Correios',
    trackingCode: 'BR123456789BR',
    shippedAt: '2026-01-01T10:00:00.000Z',
  },
  CancelamentoSolicitado: { orderId: ORDER, reason: 'comprei o tamanho errado' },
  CancelamentoAceito: { orderId: ORDER, stoppedShipmentId: SHIPMENT },
  CancelamentoRecusado: { orderId: ORDER, reason: 'ALREADY_SHIPPED', trackingCode: 'BR123456789BR' },
  PagamentoEstornado: {
    orderId: ORDER,
    paymentId: PAYMENT,
    refundId: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a99',
    amountCents: 9980,
    currency: 'BRL',
  },
  PagamentoCancelado: { orderId: ORDER },
} satisfies { [D in AnyEventDefinition as D['type']]: DataOf<D> };

/**
 * A valid payload of `event`, with `overrides` applied, a copy of its own. An order's id and
 * PedidoCriado's placedAt (now) are new on each call unless given; its total follows its lines unless given.
 */
export function sampleData<D extends AnyEventDefinition>(event: D, overrides: Partial<DataOf<D>> = {}): DataOf<D> {
  const data: Record<string, unknown> = structuredClone({
    ...SAMPLE_DATA[event.type as keyof typeof SAMPLE_DATA],
    ...overrides,
  });
  if ('orderId' in data && !('orderId' in overrides)) data.orderId = randomUUID();
  if ('placedAt' in data && !('placedAt' in overrides)) data.placedAt = new Date().toISOString();
  if (event.type === 'PedidoCriado' && !('totalCents' in overrides)) {
    const lines = data.lines as typeof SAMPLE_DATA.PedidoCriado.lines;
    data.totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  }
  return data as DataOf<D>;
}
