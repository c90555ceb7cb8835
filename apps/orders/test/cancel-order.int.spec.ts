import { randomUUID } from 'node:crypto';
import { CancelamentoAceito, CancelamentoRecusado } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { waitFor } from '@loja/messaging/testing';
import { describe, expect, it } from 'vitest';
import { ordersUnderTest, sagaEvent, sagaEvents, type Json } from './orders-alone';

describe('cancelling an order', () => {
  const orders = ordersUnderTest('orders_cancel');

  describe('cancelled by the saga', () => {
    it('cancels on PagamentoRejeitado with the reason and publishes PedidoCancelado exactly once', async () => {
      const { id } = await orders.placeOrder();
      const reserved = sagaEvents.reserved(id);
      await orders.send(reserved);
      await orders.waitForTimeline(id, 2);

      const rejected = sagaEvents.rejected(id);
      await orders.send(rejected);
      const cancelled = await orders.waitForTimeline(id, 3);
      expect(cancelled).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });

      const duplicatesBefore = orders.consumers().stats.duplicates;
      // the compensation, a redelivery, a second rejection and a contradicting late approval
      // distinct occurrence times: the timeline is ordered by them, and ties would order arbitrarily
      const t = Date.now();
      const later = [
        sagaEvents.released(id, new Date(t + 1)),
        sagaEvents.rejected(id, new Date(t + 2)),
        sagaEvents.paid(id, new Date(t + 3)),
      ];
      await orders.send(rejected);
      for (const event of later) await orders.send(event);
      const order = await orders.waitForTimeline(id, 3 + later.length);
      await waitFor('redelivery consumed', () => orders.consumers().stats.duplicates >= duplicatesBefore + 1);
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });
      expect(order.timeline.map((e: Json) => e.type)).toEqual([
        'PedidoCriado',
        'EstoqueReservado',
        'PagamentoRejeitado',
        'EstoqueLiberado',
        'PagamentoRejeitado',
        'PagamentoAprovado',
      ]);
      expect(order.timeline.slice(2).every((e: Json) => e.status === 'CANCELLED')).toBe(true);

      await orders.outboxBarrier();
      const cancellations = orders.published(id, 'PedidoCancelado');
      expect(cancellations).toHaveLength(1);
      expect(cancellations[0]!.routingKey).toBe('pedido.cancelado');
      expect(cancellations[0]!.body).toMatchObject({
        source: 'orders',
        correlationId: id,
        causationId: rejected.id,
        data: { orderId: id, reason: 'PAYMENT_REJECTED' },
      });
    });

    it('cancels on EstoqueIndisponivel with OUT_OF_STOCK', async () => {
      const { id } = await orders.placeOrder();
      const unavailable = sagaEvents.unavailable(id);
      await orders.send(unavailable);
      const order = await orders.waitForTimeline(id, 2);
      expect(order).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
      const [cancellation] = await waitFor('PedidoCancelado', () => {
        const found = orders.published(id, 'PedidoCancelado');
        return found.length ? found : undefined;
      });
      expect(cancellation!.body).toMatchObject({
        causationId: unavailable.id,
        data: { orderId: id, reason: 'OUT_OF_STOCK' },
      });
    });
  });

  describe('POST /orders/:id/cancel', () => {
    const cancel = (id: string, body?: Json) =>
      fetch(`${orders.baseUrl}/orders/${id}/cancel`, {
        method: 'POST',
        ...(body && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    const accepted = (orderId: string) =>
      sagaEvent(CancelamentoAceito, 'logistics', sampleData(CancelamentoAceito, { orderId, stoppedShipmentId: null }));

    it.each(['PENDING', 'STOCK_RESERVED', 'PAID', 'IN_PREPARATION'] as const)(
      'accepts a request from %s with 202, once, and cancels the order when Logistics accepts',
      async (status) => {
        const id = await orders.orderIn(status);
        const response = await cancel(id, { reason: 'mudei de ideia' });
        expect(response.status).toBe(202);
        const body = (await response.json()) as Json;
        expect(body).toMatchObject({ id, status, cancellationRequestedAt: expect.any(String) });
        expect(body.timeline.at(-1)).toMatchObject({ type: 'CancelamentoSolicitado', status });
        expect((await cancel(id)).status).toBe(202); // asked again: the same answer, no second event
        await orders.outboxBarrier();
        const requests = orders.messages.filter(
          (m) => m.body.type === 'CancelamentoSolicitado' && m.body.data.orderId === id,
        );
        expect(requests.map((m) => m.body.data)).toEqual([{ orderId: id, reason: 'mudei de ideia' }]);

        await orders.send(accepted(id));
        await waitFor('PedidoCancelado', () => orders.published(id, 'PedidoCancelado').length === 1);
        expect(orders.published(id, 'PedidoCancelado')[0]!.body.data).toEqual({
          orderId: id,
          reason: 'CUSTOMER_CANCELLED',
        });
        expect(await orders.getOrder(id)).toMatchObject({
          status: 'CANCELLED',
          cancellationReason: 'CUSTOMER_CANCELLED',
        });
        const again = await cancel(id);
        expect(again.status).toBe(200);
        expect(((await again.json()) as Json).status).toBe('CANCELLED');
      },
    );

    it('409 ORDER_ALREADY_SHIPPED once shipped; 404 for an unknown or malformed id; 400 for a bad reason', async () => {
      const shipped = await orders.orderIn('SHIPPED');
      const refused = await cancel(shipped);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as Json).code).toBe('ORDER_ALREADY_SHIPPED');
      expect((await cancel(randomUUID())).status).toBe(404);
      expect((await cancel('nope')).status).toBe(404);
      const bad = await cancel(await orders.orderIn('PENDING'), { reason: '', extra: 1 });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Json).errors.map((e: Json) => e.field).sort()).toEqual(['extra', 'reason']);
    });

    it('a refusal from Logistics leaves the order SHIPPED and shows on the timeline', async () => {
      const id = await orders.orderIn('IN_PREPARATION');
      expect((await cancel(id)).status).toBe(202);
      await orders.send(sagaEvents.shipped(id));
      const refusal = sagaEvent(CancelamentoRecusado, 'logistics', sampleData(CancelamentoRecusado, { orderId: id }));
      await orders.send(refusal);
      await orders.send(refusal); // a redelivery changes nothing
      const order = await orders.waitForTimeline(id, 7);
      expect(order).toMatchObject({ status: 'SHIPPED', cancellationReason: null });
      expect(order.timeline.map((e: Json) => [e.type, e.status]).slice(-3)).toEqual([
        ['CancelamentoSolicitado', 'IN_PREPARATION'],
        ['PedidoEnviado', 'SHIPPED'],
        ['CancelamentoRecusado', 'SHIPPED'],
      ]);
      await orders.outboxBarrier();
      expect(orders.published(id, 'PedidoCancelado')).toEqual([]);
    });
  });
});
