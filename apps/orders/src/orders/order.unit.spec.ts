import { describe, expect, it } from 'vitest';
import {
  applyFact,
  cancellationRequestFor,
  canMoveTo,
  ORDER_STATUSES,
  priceOrder,
  sagaFactOf,
  type OrderState,
  type SagaEvent,
  type SagaFact,
} from './order';

const pending: OrderState = { status: 'PENDING', cancellationReason: null, carrier: null, trackingCode: null };
const reserved: SagaFact = { kind: 'advance', to: 'STOCK_RESERVED' };
const paid: SagaFact = { kind: 'advance', to: 'PAID' };
const preparing: SagaFact = { kind: 'advance', to: 'IN_PREPARATION' };
const shipped: SagaFact = { kind: 'ship', carrier: 'Correios', trackingCode: 'BR123' };
const outOfStock: SagaFact = { kind: 'cancel', reason: 'OUT_OF_STOCK' };
const rejected: SagaFact = { kind: 'cancel', reason: 'PAYMENT_REJECTED' };
const customerCancelled: SagaFact = { kind: 'cancel', reason: 'CUSTOMER_CANCELLED' };

const replay = (facts: SagaFact[], from: OrderState = pending): OrderState =>
  facts.reduce((state, fact) => applyFact(state, fact).next, from);

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('order status rules', () => {
  it('follows the happy path to SHIPPED and keeps carrier and tracking code', () => {
    expect(replay([reserved, paid, preparing, shipped])).toEqual({
      status: 'SHIPPED',
      cancellationReason: null,
      carrier: 'Correios',
      trackingCode: 'BR123',
    });
  });

  it('moves forward over skipped steps (a later event arriving first)', () => {
    expect(applyFact(pending, paid)).toMatchObject({ next: { status: 'PAID' }, changed: true });
  });

  it('never moves backwards, whatever order the events arrive in', () => {
    for (const order of permutations([reserved, paid, preparing, shipped])) {
      expect(replay(order)).toMatchObject({ status: 'SHIPPED', trackingCode: 'BR123' });
    }
    const paidOrder = replay([reserved, paid]);
    expect(applyFact(paidOrder, reserved)).toEqual({ next: paidOrder, changed: false, cancelled: false });
  });

  it('a duplicate changes nothing', () => {
    const once = replay([reserved]);
    expect(applyFact(once, reserved).changed).toBe(false);
    const shippedOnce = replay([shipped]);
    const again = applyFact(shippedOnce, { kind: 'ship', carrier: 'Other', trackingCode: 'XX' });
    expect(again).toEqual({ next: shippedOnce, changed: false, cancelled: false });
  });

  it('cancels from PENDING or STOCK_RESERVED with the reason, once', () => {
    expect(applyFact(pending, outOfStock)).toEqual({
      next: { ...pending, status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' },
      changed: true,
      cancelled: true,
    });
    const cancelled = replay([reserved, rejected]);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });
    expect(applyFact(cancelled, rejected)).toMatchObject({ changed: false, cancelled: false });
  });

  it('CANCELLED is terminal: later progress or another reason changes nothing', () => {
    const cancelled = replay([outOfStock]);
    for (const fact of [reserved, paid, preparing, shipped, rejected, { kind: 'note' } as const]) {
      expect(applyFact(cancelled, fact)).toEqual({ next: cancelled, changed: false, cancelled: false });
    }
  });

  it('does not cancel once paid', () => {
    for (const from of [paid, preparing, shipped]) {
      const state = replay([from]);
      expect(applyFact(state, rejected)).toMatchObject({ changed: false, cancelled: false });
      expect(applyFact(state, outOfStock).next.status).toBe(state.status);
    }
  });

  it('a note is recorded without changing the order', () => {
    expect(applyFact(pending, { kind: 'note' })).toEqual({ next: pending, changed: false, cancelled: false });
  });

  it('allows exactly the documented moves', () => {
    const allowed = ORDER_STATUSES.flatMap((from) =>
      ORDER_STATUSES.filter((to) => canMoveTo(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'PENDING>STOCK_RESERVED',
        'PENDING>PAID',
        'PENDING>IN_PREPARATION',
        'PENDING>SHIPPED',
        'PENDING>CANCELLED',
        'STOCK_RESERVED>PAID',
        'STOCK_RESERVED>IN_PREPARATION',
        'STOCK_RESERVED>SHIPPED',
        'STOCK_RESERVED>CANCELLED',
        'PAID>IN_PREPARATION',
        'PAID>SHIPPED',
        'IN_PREPARATION>SHIPPED',
      ].sort(),
    );
  });

  it('maps each saga event to its fact', () => {
    const event = <T extends SagaEvent['type']>(type: T, data: object) => ({ type, data }) as unknown as SagaEvent;
    expect(sagaFactOf(event('EstoqueReservado', {}))).toEqual(reserved);
    expect(sagaFactOf(event('PagamentoAprovado', {}))).toEqual(paid);
    expect(sagaFactOf(event('PedidoEmPreparo', {}))).toEqual(preparing);
    expect(sagaFactOf(event('PedidoEnviado', { carrier: 'Correios', trackingCode: 'BR123' }))).toEqual(shipped);
    expect(sagaFactOf(event('EstoqueIndisponivel', {}))).toEqual(outOfStock);
    expect(sagaFactOf(event('PagamentoRejeitado', {}))).toEqual(rejected);
    expect(sagaFactOf(event('EstoqueLiberado', {}))).toEqual({ kind: 'note' });
    expect(sagaFactOf(event('CancelamentoAceito', {}))).toEqual(customerCancelled);
    for (const type of ['CancelamentoRecusado', 'PagamentoEstornado', 'PagamentoCancelado'] as const) {
      expect(sagaFactOf(event(type, {}))).toEqual({ kind: 'note' });
    }
  });
});

describe('customer cancellation rules', () => {
  it('an accepted cancellation cancels any order not shipped, paid or not', () => {
    for (const progress of [[], [reserved], [reserved, paid], [reserved, paid, preparing]]) {
      expect(replay([...progress, customerCancelled])).toMatchObject({
        status: 'CANCELLED',
        cancellationReason: 'CUSTOMER_CANCELLED',
      });
    }
    expect(ORDER_STATUSES.filter((from) => canMoveTo(from, 'CANCELLED', 'CUSTOMER_CANCELLED')).sort()).toEqual([
      'IN_PREPARATION',
      'PAID',
      'PENDING',
      'STOCK_RESERVED',
    ]);
  });

  it('the first cancellation wins, and later progress changes nothing', () => {
    expect(replay([rejected, customerCancelled])).toMatchObject({ cancellationReason: 'PAYMENT_REJECTED' });
    expect(replay([customerCancelled, rejected, paid, preparing])).toMatchObject({
      status: 'CANCELLED',
      cancellationReason: 'CUSTOMER_CANCELLED',
    });
  });

  it('a request is made once, answered at once when cancelled or shipped', () => {
    for (const status of ['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION'] as const) {
      expect(cancellationRequestFor(status, false)).toBe('request');
      expect(cancellationRequestFor(status, true)).toBe('already-requested');
    }
    expect(cancellationRequestFor('CANCELLED', true)).toBe('already-cancelled');
    expect(cancellationRequestFor('SHIPPED', true)).toBe('already-shipped');
  });
});

describe('pricing', () => {
  const catalog = new Map([
    ['TEE', { name: 'Camiseta', priceCents: 4990 }],
    ['CAP', { name: 'Boné', priceCents: 2500 }],
  ]);

  it('prices every line from the catalogue and adds up the total', () => {
    expect(
      priceOrder(
        [
          { sku: 'TEE', quantity: 2 },
          { sku: 'CAP', quantity: 1 },
        ],
        catalog,
      ),
    ).toEqual({
      kind: 'priced',
      lines: [
        { sku: 'TEE', name: 'Camiseta', quantity: 2, unitPriceCents: 4990 },
        { sku: 'CAP', name: 'Boné', quantity: 1, unitPriceCents: 2500 },
      ],
      totalCents: 12480,
    });
  });

  it('names every item whose SKU is unknown', () => {
    expect(
      priceOrder(
        [
          { sku: 'NOPE', quantity: 1 },
          { sku: 'TEE', quantity: 1 },
          { sku: 'GONE', quantity: 1 },
        ],
        catalog,
      ),
    ).toEqual({ kind: 'unknown-skus', indexes: [0, 2] });
  });
});
