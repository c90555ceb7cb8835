import type { INestApplication } from '@nestjs/common';
import { EstoqueIndisponivel } from '@loja/contracts';
import { declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postOrder, sagaEvents, startOrdersAlone } from './orders-alone';

// Its own file: a tight ORDERS_MAX_ORDERS_IN_FLIGHT for the whole service.
describe('orders under a saga backlog: 503 while ORDERS_MAX_ORDERS_IN_FLIGHT accepted orders are not final', () => {
  const MAX_IN_FLIGHT = 5;
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    ns = await TestNamespace.create('orders_in_flight');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    ({ app, baseUrl } = await startOrdersAlone(ns, probe, {
      ORDERS_MAX_ORDERS_IN_FLIGHT: String(MAX_IN_FLIGHT),
      ORDERS_ADMISSION_CHECK_INTERVAL_MS: '50',
    }));
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await ns?.dispose();
  });

  it('takes orders up to the limit, refuses the next with Retry-After, and takes them again once one is final', async () => {
    // Only Orders runs: every order it accepts stays PENDING until an event of the saga arrives.
    const accepted: string[] = [];
    const refusal = await waitFor(
      'a 503 once the saga holds the limit',
      async () => {
        const response = await postOrder(baseUrl);
        if (response.status === 201) accepted.push(((await response.json()) as { id: string }).id);
        return response.status === 503 ? response : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(accepted).toHaveLength(MAX_IN_FLIGHT);
    expect(Number(refusal.headers.get('retry-after'))).toBe(2);
    expect(await refusal.json()).toMatchObject({
      code: 'ORDERS_OVERLOADED',
      message: expect.stringContaining(`${MAX_IN_FLIGHT} accepted orders are not final yet`),
    });
    // Refused before its body is read: even a body that is not JSON gets the 503, not a 400.
    const unread = await fetch(`${baseUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect([unread.status, unread.headers.get('retry-after')]).toEqual([503, '2']);
    expect(await unread.json()).toMatchObject({ code: 'ORDERS_OVERLOADED' });

    // One order ends (out of stock: CANCELLED): there is room for one more.
    await probe.publish('loja.events', EstoqueIndisponivel.routingKey, sagaEvents.unavailable(accepted[0]!));
    await waitFor('an order accepted again', async () => (await postOrder(baseUrl)).status === 201, {
      timeoutMs: 10_000,
    });
    expect((await postOrder(baseUrl)).status).toBe(503);
  });
});
