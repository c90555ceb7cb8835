import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, PedidoCriado, PedidoCriadoV1, type DataOf } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, Headers, OutboxService } from '../src';
import { parsePublishVersions } from '../src/outbox/published-versions';
import { BrokerProbe, TestNamespace, waitFor } from '../src/testing';
import { FailurePlan, startTestApp } from './fixtures/test-app';

const QUEUE = 'test.record-order';

/** The sample PedidoCriado as version 1 had it: no placedAt. */
function orderV1(orderId = randomUUID()): DataOf<typeof PedidoCriadoV1> {
  const { placedAt: _, ...v1 } = sampleData(PedidoCriado, { orderId });
  return v1;
}
const orderV2 = (placedAt = '2026-03-01T11:59:00.000Z'): DataOf<typeof PedidoCriado> => ({ ...orderV1(), placedAt });

/**
 * Two versions of PedidoCriado on the real broker: a producer still publishing version 1 beside one
 * publishing version 2 (PUBLISH_EVENT_VERSIONS), consumers that read both, and a message of a version
 * a consumer does not know yet (the case of a version 1 consumer when version 2 is enabled too early).
 */
describe('event versions end to end, on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let publishesV1: INestApplication;
  let publishesV2: INestApplication;

  /** Both apps consume the queue: whichever handled the order says what its handler saw. */
  const seenBy = (orderId: string) =>
    [publishesV1, publishesV2].map((app) => app.get(FailurePlan).seen.get(orderId)).find(Boolean);
  const handledOnce = (orderId: string) =>
    [publishesV1, publishesV2].reduce((n, app) => n + (app.get(FailurePlan).calls.get(orderId) ?? 0), 0) === 1;

  const place = (app: INestApplication, data: DataOf<typeof PedidoCriado>) =>
    app
      .get(Database)
      .transaction((tx) => app.get(OutboxService).add(tx, PedidoCriado, data, { correlationId: data.orderId }));

  beforeAll(async () => {
    ns = await TestNamespace.create('versions');
    const databaseUrl = await ns.database('messaging', join(__dirname, '..'));
    publishesV1 = await startTestApp({ databaseUrl, rabbitmqUrl: ns.rabbitmqUrl }); // the default: the oldest version
    publishesV2 = await startTestApp({
      databaseUrl,
      rabbitmqUrl: ns.rabbitmqUrl,
      publishVersions: parsePublishVersions('PedidoCriado=2'),
    });
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
  });

  afterAll(async () => {
    await probe?.close();
    await publishesV1?.close();
    await publishesV2?.close();
    await ns?.dispose();
  });

  it('a producer on version 1, a consumer on version 2: version 1 on the wire, version 2 in the handler', async () => {
    const tap = await probe.tap('loja.events', 'pedido.criado');
    const data = orderV2();
    const event = await place(publishesV1, data);

    const wire = await waitFor('published', () => tap.messages.find((m) => m.body.id === event.id));
    expect(wire.routingKey).toBe('pedido.criado');
    expect(wire.body).toMatchObject({ type: 'PedidoCriado', version: 1 });
    expect(wire.body.data).not.toHaveProperty('placedAt');
    expect(wire.properties.headers[Headers.eventVersion]).toBe(1);

    const seen = await waitFor('handled', () => seenBy(data.orderId));
    expect(seen).toMatchObject({ id: event.id, version: 2 });
    expect(seen.data.placedAt).toBe(wire.body.occurredAt); // the upcaster's value for version 1
    expect(handledOnce(data.orderId)).toBe(true);
  });

  it('a producer on version 2, a consumer on version 2: the event as published', async () => {
    const tap = await probe.tap('loja.events', 'pedido.criado');
    const data = orderV2('2026-03-01T08:00:00.000Z');
    const event = await place(publishesV2, data);

    const wire = await waitFor('published', () => tap.messages.find((m) => m.body.id === event.id));
    expect(wire.body).toMatchObject({ version: 2, data: { placedAt: '2026-03-01T08:00:00.000Z' } });
    expect(wire.properties.headers[Headers.eventVersion]).toBe(2);
    const seen = await waitFor('handled', () => seenBy(data.orderId));
    expect(seen).toEqual(event);
  });

  it('handles messages of both versions in the same queue, each once, all as version 2', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? createEvent(PedidoCriadoV1, orderV1(), { source: 'orders', correlationId: randomUUID() })
        : createEvent(PedidoCriado, orderV2(), { source: 'orders', correlationId: randomUUID() }),
    );
    for (const event of events) await probe.publish('loja.events', 'pedido.criado', event, { messageId: event.id });

    await waitFor('all 20 handled', () => events.every((event) => seenBy(event.data.orderId)));
    for (const event of events) {
      const seen = seenBy(event.data.orderId)!;
      expect(seen.version).toBe(2);
      expect(seen.data.placedAt).toBe('placedAt' in event.data ? event.data.placedAt : event.occurredAt);
      expect(handledOnce(event.data.orderId)).toBe(true);
    }
    expect(await probe.messageCount(QUEUE)).toBe(0);
  });

  it('dead-letters, intact for replay, a version the consumer does not know yet (a version 1 consumer given version 2)', async () => {
    const newer = {
      ...createEvent(PedidoCriado, orderV2(), { source: 'orders', correlationId: randomUUID() }),
      version: 3,
    };
    await probe.publish('loja.events', 'pedido.criado', newer, { messageId: newer.id });
    const next = orderV2();
    await place(publishesV2, next);

    await waitFor('the next message handled', () => seenBy(next.orderId));
    const [dead] = await waitFor('the newer version in the DLQ', async () => {
      const messages = await probe.peek(`${QUEUE}.dlq`);
      return messages.length === 1 ? messages : undefined;
    });
    expect(dead!.properties.headers?.[Headers.deadLetter.reason]).toBe('unknown-type');
    expect(String(dead!.properties.headers?.[Headers.deadLetter.error])).toContain('PedidoCriado v3');
    expect(JSON.parse(dead!.content.toString())).toEqual(newer);
    expect(seenBy(newer.data.orderId)).toBeUndefined();
  });
});
