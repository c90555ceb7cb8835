import { randomUUID } from 'node:crypto';
import { PedidoEnviado } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { TransactionPool } from '@loja/messaging';
import { countRoundTrips, metricValue, scrapeMetrics, waitFor } from '@loja/messaging/testing';
import { describe, expect, it } from 'vitest';
import { ordersUnderTest, QUICK_RETRIES, sagaEvents, type Json } from './orders-alone';

/** What the order shows once shipped: the carrier and tracking code of PedidoEnviado. */
const SHIPPING = (({ carrier, trackingCode }) => ({ carrier, trackingCode }))(sampleData(PedidoEnviado));

describe('tracking an order through the saga', () => {
  // No admission checks while a test counts round trips: they would run on the same pool.
  const orders = ordersUnderTest('orders_track', {
    env: { ...QUICK_RETRIES, ORDERS_ADMISSION_CHECK_INTERVAL_MS: String(3_600_000) },
  });

  it('moves an order in two round trips: its lock with BEGIN, its writes and inbox row with COMMIT', async () => {
    const ids = await Promise.all(Array.from({ length: 12 }, async () => (await orders.placeOrder()).id));
    const roundTrips = countRoundTrips(orders.app.get(TransactionPool));
    try {
      for (const id of ids) {
        const handledBefore = orders.consumers().stats.handled;
        await orders.send(sagaEvents.reserved(id));
        await waitFor('the event handled', () => orders.consumers().stats.handled > handledBefore);
      }
      // Two per event, and at most one more on each connection of the pool (6) the first time: a
      // statement not prepared there yet goes on its own.
      expect(roundTrips.count).toBeLessThanOrEqual(2 * ids.length + 6);
    } finally {
      roundTrips.stop();
    }
    for (const id of ids) expect((await orders.getOrder(id)).status).toBe('STOCK_RESERVED');
  });

  it('follows the saga in order up to SHIPPED, with carrier and tracking code', async () => {
    const { id } = await orders.placeOrder();
    const steps = [
      { event: sagaEvents.reserved(id), status: 'STOCK_RESERVED' },
      { event: sagaEvents.paid(id), status: 'PAID' },
      { event: sagaEvents.preparing(id), status: 'IN_PREPARATION' },
      { event: sagaEvents.shipped(id), status: 'SHIPPED' },
    ];
    for (const [index, { event, status }] of steps.entries()) {
      await orders.send(event);
      const order = await orders.waitForTimeline(id, index + 2);
      expect(order.status, JSON.stringify(order, null, 1)).toBe(status);
    }
    const order = await orders.getOrder(id);
    expect(order).toMatchObject({ status: 'SHIPPED', ...SHIPPING });
    expect(order.timeline.map((e: Json) => [e.type, e.status, e.eventId])).toEqual([
      ['PedidoCriado', 'PENDING', order.timeline[0].eventId],
      ...steps.map(({ event, status }) => [event.type, status, event.id]),
    ]);
  });

  it('never moves backwards on late, out-of-order or duplicated events; records each distinct event once', async () => {
    const { id } = await orders.placeOrder();
    const start = Date.now();
    const at = (seconds: number) => new Date(start + seconds * 1000);
    const reserved = sagaEvents.reserved(id, at(1));
    const paid = sagaEvents.paid(id, at(2));
    const preparing = sagaEvents.preparing(id, at(3));
    const shipped = sagaEvents.shipped(id, at(4));

    const duplicatesBefore = orders.consumers().stats.duplicates;
    // shipping news first, then everything that led to it, with redeliveries in between
    const arrivals = [shipped, preparing, shipped, reserved, paid, reserved];
    const distinct: string[] = [];
    for (const event of arrivals) {
      await orders.send(event);
      if (!distinct.includes(event.id)) {
        distinct.push(event.id);
        const order = await orders.waitForTimeline(id, distinct.length + 1);
        expect(order.status).toBe('SHIPPED');
      }
    }
    await waitFor('both redeliveries consumed', () => orders.consumers().stats.duplicates >= duplicatesBefore + 2);

    const order = await orders.getOrder(id);
    expect(order).toMatchObject({ status: 'SHIPPED', ...SHIPPING });
    // in the order things happened, not the order they arrived in; each event once
    expect(order.timeline.map((e: Json) => e.type)).toEqual([
      'PedidoCriado',
      'EstoqueReservado',
      'PagamentoAprovado',
      'PedidoEmPreparo',
      'PedidoEnviado',
    ]);
    expect(order.timeline.slice(1).map((e: Json) => e.eventId)).toEqual([
      reserved.id,
      paid.id,
      preparing.id,
      shipped.id,
    ]);
    expect(order.timeline.slice(1).every((e: Json) => e.status === 'SHIPPED')).toBe(true);
  });

  it('counts each order once when its status becomes final, whatever arrives after', async () => {
    const metrics = () => scrapeMetrics(`${orders.baseUrl}/metrics`);
    const finished = 'loja_orders_finished_total';
    const before = await metrics();
    const shipped = await orders.placeOrder();
    const shippedEvent = sagaEvents.shipped(shipped.id);
    for (const event of [
      sagaEvents.reserved(shipped.id),
      sagaEvents.paid(shipped.id),
      sagaEvents.preparing(shipped.id),
    ]) {
      await orders.send(event);
    }
    await orders.send(shippedEvent);
    const refused = await orders.placeOrder();
    const rejection = sagaEvents.rejected(refused.id);
    await orders.send(sagaEvents.reserved(refused.id));
    await orders.send(rejection);
    const duplicatesBefore = orders.consumers().stats.duplicates;
    // A redelivery of each final event, and a second shipping notice with an id of its own.
    await orders.send(shippedEvent);
    await orders.send(rejection);
    await orders.send(sagaEvents.shipped(shipped.id));
    await orders.waitForTimeline(shipped.id, 6);
    await waitFor('both redeliveries consumed', () => orders.consumers().stats.duplicates >= duplicatesBefore + 2);
    expect((await orders.getOrder(refused.id)).status).toBe('CANCELLED');

    const after = await metrics();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      metricValue(after, name, labels) - metricValue(before, name, labels);
    expect(delta(finished, { status: 'SHIPPED', reason: '' })).toBe(1);
    expect(delta(finished, { status: 'CANCELLED', reason: 'PAYMENT_REJECTED' })).toBe(1);
    expect(delta(finished)).toBe(2);
    expect(delta('loja_order_time_to_shipped_seconds_count')).toBe(1);
    expect(delta('loja_order_time_to_shipped_seconds_sum')).toBeGreaterThanOrEqual(0);
    expect(
      after
        .filter((s) => s.name === finished)
        .map((s) => `${s.labels.status} ${s.labels.reason}`)
        .sort(),
    ).toEqual(['CANCELLED CUSTOMER_CANCELLED', 'CANCELLED OUT_OF_STOCK', 'CANCELLED PAYMENT_REJECTED', 'SHIPPED ']);
  });

  it('dead-letters an event for an unknown order after its retries', async () => {
    const before = await orders.probe.messageCount('orders.track-order.dlq');
    await orders.send(sagaEvents.reserved(randomUUID()));
    await waitFor(
      'event in the DLQ',
      async () => (await orders.probe.messageCount('orders.track-order.dlq')) === before + 1,
      { timeoutMs: 30_000 },
    );
  });
});
