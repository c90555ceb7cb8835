import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { createEvent, orderIdOf, PedidoCriado, type DataOf } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, EventConsumers, Headers, OutboxRelay, OutboxService } from '../src';
import { BrokerProbe, countRoundTrips, TestNamespace, waitFor } from '../src/testing';
import { OUTBOX_LAG } from '../src/outbox/outbox-relay.service';
import { RelayPool, TransactionPool } from '../src/sql/database-pools';
import { FailurePlan, PrismaService, startTestApp } from './fixtures/test-app';

const QUEUE = 'test.record-order';

function order(orderId = randomUUID()): DataOf<typeof PedidoCriado> {
  return sampleData(PedidoCriado, { orderId });
}

describe('messaging: outbox → broker → inbox, on real PostgreSQL and RabbitMQ', () => {
  let ns: TestNamespace;
  let databaseUrl: string;
  let probe: BrokerProbe;
  let app: INestApplication;

  const effectsOf = (orderId: string) =>
    app.get(PrismaService).testEffect.count({ where: { note: `recorded ${orderId}` } });

  /** Publishes PedidoCriado through the outbox, as a service does: state change and event in one transaction. */
  async function placeOrder(target: INestApplication, data = order()) {
    const outbox = target.get(OutboxService);
    return target
      .get(Database)
      .transaction((tx) => outbox.add(tx, PedidoCriado, data, { correlationId: data.orderId }));
  }

  beforeAll(async () => {
    ns = await TestNamespace.create('messaging');
    databaseUrl = await ns.database('messaging', join(__dirname, '..'));
    app = await startTestApp({ databaseUrl, rabbitmqUrl: ns.rabbitmqUrl });
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
  });

  afterAll(async () => {
    await probe?.close();
    await app?.close();
    await ns?.dispose();
  });

  it('publishes after commit with full AMQP properties, and the handler records the effect once', async () => {
    const tap = await probe.tap('loja.events', 'pedido.*');
    const event = await placeOrder(app);

    await waitFor('effect recorded', async () => (await effectsOf(event.data.orderId)) === 1);
    const delivered = await waitFor('event seen on the exchange', () =>
      tap.messages.find((m) => m.body.id === event.id),
    );
    expect(delivered.routingKey).toBe('pedido.criado');
    expect(delivered.properties).toMatchObject({
      deliveryMode: 2,
      messageId: event.id,
      type: 'PedidoCriado',
      correlationId: event.data.orderId,
      contentType: 'application/json',
    });
    expect(delivered.properties.headers.traceparent).toMatch(
      new RegExp(`^00-${event.data.orderId.replace(/-/g, '')}-[0-9a-f]{16}-01$`),
    );
    const row = await app.get(PrismaService).outboxMessage.findUniqueOrThrow({ where: { id: event.id } });
    expect(row.publishedAt).not.toBeNull();
  });

  it('does not publish an event whose transaction rolled back', async () => {
    const data = order();
    await expect(
      app.get(Database).transaction(async (tx) => {
        await app.get(OutboxService).add(tx, PedidoCriado, data, { correlationId: data.orderId });
        throw new Error('business rule failed after the event was written');
      }),
    ).rejects.toThrow('business rule failed');
    const sentinel = await placeOrder(app);
    await waitFor('later event handled', async () => (await effectsOf(sentinel.data.orderId)) === 1);
    expect(
      await app.get(PrismaService).outboxMessage.count({
        where: { id: { not: sentinel.id }, envelope: { path: ['data', 'orderId'], equals: data.orderId } },
      }),
    ).toBe(0);
    expect(await effectsOf(data.orderId)).toBe(0);
  });

  it('handles an event delivered 5 times exactly once', async () => {
    const consumers = app.get(EventConsumers);
    const before = consumers.stats.duplicates;
    const event = createEvent(PedidoCriado, order(), { source: 'orders', correlationId: randomUUID() });
    for (let i = 0; i < 5; i++) await probe.publish('loja.events', 'pedido.criado', event, { messageId: event.id });

    await waitFor('4 duplicates acknowledged', () => consumers.stats.duplicates - before === 4);
    expect(await effectsOf(event.data.orderId)).toBe(1);
    expect(await probe.messageCount(QUEUE)).toBe(0);
  });

  it("writes an event's inbox row with its COMMIT: the handler's one statement and COMMIT, two round trips", async () => {
    const roundTrips = countRoundTrips(app.get(TransactionPool));
    try {
      const event = createEvent(PedidoCriado, order(), { source: 'orders', correlationId: randomUUID() });
      await probe.publish('loja.events', 'pedido.criado', event, { messageId: event.id });
      await waitFor('effect recorded', async () => (await effectsOf(event.data.orderId)) === 1);
      await waitFor('its delivery acked', async () => (await probe.messageCount(QUEUE)) === 0);
      // BEGIN with the handler's INSERT, then the inbox row with COMMIT (no round trip of its own).
      expect(roundTrips.count).toBe(2);
    } finally {
      roundTrips.stop();
    }
  });

  it('skips a redelivered event even when its handler, run again, fails on the work already done', async () => {
    const consumers = app.get(EventConsumers);
    const plan = app.get(FailurePlan);
    const event = createEvent(PedidoCriado, order(), { source: 'orders', correlationId: randomUUID() });
    await probe.publish('loja.events', 'pedido.criado', event, { messageId: event.id });
    await waitFor('effect recorded', async () => (await effectsOf(event.data.orderId)) === 1);
    const before = { duplicates: consumers.stats.duplicates, deadLettered: consumers.stats.deadLettered };
    plan.permanent.add(event.data.orderId);

    await probe.publish('loja.events', 'pedido.criado', event, { messageId: event.id });
    await waitFor('the redelivery acknowledged as a duplicate', () => consumers.stats.duplicates > before.duplicates);
    expect(consumers.stats.deadLettered).toBe(before.deadLettered);
    expect(await effectsOf(event.data.orderId)).toBe(1);
  });

  it('dead-letters a malformed message with its reason and keeps handling the next good one', async () => {
    await probe.publish('loja.events', 'pedido.criado', Buffer.from('{"this is": not json'), { messageId: 'poison-1' });
    const broken = {
      ...createEvent(PedidoCriado, order(), { source: 'orders', correlationId: 'x' }),
      data: { orderId: 'not-a-uuid' },
    };
    await probe.publish('loja.events', 'pedido.criado', broken);
    const good = await placeOrder(app);

    await waitFor('good event handled after the poison', async () => (await effectsOf(good.data.orderId)) === 1);
    const dead = await waitFor('both poison messages in the DLQ', async () => {
      const messages = await probe.peek(`${QUEUE}.dlq`);
      return messages.length === 2 ? messages : undefined;
    });
    const byReason = Object.fromEntries(dead.map((m) => [m.properties.headers?.[Headers.deadLetter.reason], m]));
    expect(Object.keys(byReason).sort()).toEqual(['invalid-json', 'schema-violation']);
    const schemaViolation = byReason['schema-violation']!;
    expect(String(schemaViolation.properties.headers?.[Headers.deadLetter.error])).toMatch(/data\.orderId/);
    expect(String(schemaViolation.properties.headers?.[Headers.deadLetter.error])).toMatch(/data\.customer/);
    expect(schemaViolation.properties.headers?.[Headers.deadLetter.queue]).toBe(QUEUE);
    expect(schemaViolation.properties.headers?.[Headers.deadLetter.routingKey]).toBe('pedido.criado');
    expect(byReason['invalid-json']!.content.toString()).toBe('{"this is": not json');
    await purgeDlq();
  });

  it('retries a handler that fails twice with backoff, then handles it once', async () => {
    const data = order();
    app.get(FailurePlan).failuresLeft.set(data.orderId, 2);
    const started = Date.now();
    await placeOrder(app, data);

    await waitFor('handled on the third attempt', async () => (await effectsOf(data.orderId)) === 1, {
      timeoutMs: 10_000,
    });
    // attempts 2 and 3 wait in retry queues for 200 ms and then 400 ms
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(app.get(FailurePlan).calls.get(data.orderId)).toBe(3);
    expect(await probe.messageCount(`${QUEUE}.dlq`)).toBe(0);
  });

  it('dead-letters a handler that always fails after the configured attempts', async () => {
    const data = order();
    app.get(FailurePlan).failuresLeft.set(data.orderId, -1);
    const event = await placeOrder(app, data);

    const [dead] = await waitFor('message in the DLQ', async () => {
      const messages = await probe.peek(`${QUEUE}.dlq`);
      return messages.length === 1 ? messages : undefined;
    });
    expect(JSON.parse(dead!.content.toString()).id).toBe(event.id);
    expect(dead!.properties.headers).toMatchObject({
      [Headers.deadLetter.reason]: 'retries-exhausted',
      [Headers.deadLetter.attempts]: 3,
      [Headers.deadLetter.queue]: QUEUE,
      [Headers.deadLetter.error]: `simulated failure for ${data.orderId}`,
    });
    expect(app.get(FailurePlan).calls.get(data.orderId)).toBe(3);
    expect(await effectsOf(data.orderId)).toBe(0);
    await purgeDlq();
  });

  it('sends a permanent handler error straight to the DLQ without retrying', async () => {
    const data = order();
    app.get(FailurePlan).permanent.add(data.orderId);
    await placeOrder(app, data);
    const [dead] = await waitFor('message in the DLQ', async () => {
      const messages = await probe.peek(`${QUEUE}.dlq`);
      return messages.length === 1 ? messages : undefined;
    });
    expect(dead!.properties.headers?.[Headers.deadLetter.reason]).toBe('permanent-error');
    expect(app.get(FailurePlan).calls.get(data.orderId)).toBe(1);
    await purgeDlq();
  });

  it('publishes, after a restart, an event committed by a process that died before publishing it', async () => {
    const crashed = await startTestApp({ databaseUrl, rabbitmqUrl: ns.rabbitmqUrl });
    // The doomed process loses the broker, commits an event it cannot publish, and dies.
    await crashed.get(OutboxRelay).stop();
    await crashed.get(AmqpConnection).managedConnection.close();
    const event = await placeOrder(crashed);
    const row = () => app.get(PrismaService).outboxMessage.findUniqueOrThrow({ where: { id: event.id } });
    expect((await row()).publishedAt).toBeNull();

    const restarted = await startTestApp({ databaseUrl, rabbitmqUrl: ns.rabbitmqUrl });
    try {
      await waitFor('event published by the sweep', async () => (await row()).publishedAt !== null);
      await waitFor('event handled', async () => (await effectsOf(event.data.orderId)) === 1);
    } finally {
      await restarted.close();
    }
  });

  it('writes the rows a transaction queued in one write just before COMMIT, and none when it rolls back', async () => {
    const database = app.get(Database);
    const note = `queued ${randomUUID()}`;
    const writes: string[][] = [];
    const INSERT = `INSERT INTO test_effect (event_id, note) SELECT unnest($1::text[]), $2`;
    const queue = (tx: Parameters<Parameters<Database['transaction']>[0]>[0], eventId: string) =>
      tx.writeBeforeCommit(INSERT, eventId, (eventIds) => {
        writes.push(eventIds);
        return tx.execute(INSERT, [eventIds, note]);
      });
    const count = () => app.get(PrismaService).testEffect.count({ where: { note } });

    await database.transaction(async (tx) => {
      for (const id of ['a', 'b', 'c']) queue(tx, id);
      expect(await count()).toBe(0); // queued, not written yet
    });
    expect(writes).toEqual([['a', 'b', 'c']]);
    expect(await count()).toBe(3);

    await expect(
      database.transaction(async (tx) => {
        queue(tx, 'd');
        throw new Error('use case failed');
      }),
    ).rejects.toThrow('use case failed');
    expect(writes).toHaveLength(1);
    expect(await count()).toBe(3);
  });

  it('locks the rows of every event a transaction handles with one lock, and finds them again in memory', async () => {
    const events = [order(), order(), order()].map((data) =>
      createEvent(PedidoCriado, data, { source: 'orders', correlationId: data.orderId }),
    );
    const locks: string[][] = [];
    const lockMany = async (keys: string[]) => {
      locks.push([...keys].sort());
      return new Map(keys.filter((key) => key !== events[2]!.data.orderId).map((key) => [key, { key, seen: 0 }]));
    };
    await app.get(Database).transaction(async (tx) => {
      tx.handling(events);
      const rows = () => tx.lockForEvents('test', orderIdOf, lockMany);
      const first = await rows().lock(events[0]!.data.orderId);
      first!.seen += 1;
      const again = await rows().lock(events[0]!.data.orderId);
      expect(again).toEqual({ key: events[0]!.data.orderId, seen: 1 }); // the same row, as changed
      expect(await rows().lock(events[1]!.data.orderId)).toBeDefined();
      expect(locks).toEqual([events.map((event) => event.data.orderId).sort()]);
      // A row that does not exist is undefined (asked for again, on its own); so is a key no event named.
      expect(await rows().lock(events[2]!.data.orderId)).toBeUndefined();
      expect(await rows().lock('other')).toEqual({ key: 'other', seen: 0 });
      expect(locks).toHaveLength(3);
    });
  });

  it('finds a row the transaction added, before it is written, when the table has none for its key', async () => {
    const [known, created] = [order(), order()].map((data) =>
      createEvent(PedidoCriado, data, { source: 'orders', correlationId: data.orderId }),
    );
    const locks: string[][] = [];
    const lockMany = async (keys: string[]) => {
      locks.push([...keys].sort());
      const inTable = keys.filter((key) => key === known!.data.orderId);
      return new Map(inTable.map((key) => [key, { key, from: 'table' }]));
    };
    await app.get(Database).transaction(async (tx) => {
      tx.handling([known!, created!]);
      const rows = () => tx.lockForEvents('test', orderIdOf, lockMany);
      const createdId = created!.data.orderId;
      expect(rows().add(createdId, { key: createdId, from: 'this transaction' })).toBe(true);
      expect(rows().add(createdId, { key: createdId, from: 'a second add' })).toBe(false); // the first is kept
      expect(await rows().lock(createdId)).toEqual({ key: createdId, from: 'this transaction' });
      expect(rows().addedRow(createdId)).toBe(await rows().lock(createdId)); // the same object
      // A row the table has wins over one added under its key; both came from the one lock of the batch.
      rows().add(known!.data.orderId, { key: known!.data.orderId, from: 'this transaction' });
      expect(await rows().lock(known!.data.orderId)).toEqual({ key: known!.data.orderId, from: 'table' });
      expect(locks[0]).toEqual([known!.data.orderId, createdId].sort());
    });
  });

  it('handles a burst in shared transactions, each event once; a failure rolls back only its batch', async () => {
    const consumers = app.get(EventConsumers);
    const plan = app.get(FailurePlan);
    const before = { ...consumers.stats };
    const burst = Array.from({ length: 40 }, () => order());
    // The first event's handler waits, so the next ones (up to the prefetch of 10) queue up behind it
    // and are handled together once it is released; the 6th of them fails twice.
    let release!: () => void;
    const entered = new Promise<void>((resolve) =>
      plan.gates.set(burst[0]!.orderId, { entered: resolve, release: new Promise<void>((r) => (release = r)) }),
    );
    plan.failuresLeft.set(burst[5]!.orderId, 2);
    const outbox = app.get(OutboxService);
    await app.get(Database).transaction(async (tx) => {
      for (const data of burst) await outbox.add(tx, PedidoCriado, data, { correlationId: data.orderId });
    });
    await entered;
    await waitFor('the prefetch window delivered', async () => (await probe.messageCount(QUEUE)) === 30);
    release();

    await waitFor('every event of the burst handled', async () => {
      const counts = await Promise.all(burst.map((data) => effectsOf(data.orderId)));
      return counts.every((n) => n === 1);
    });
    expect(consumers.stats.handled - before.handled).toBe(40);
    expect(consumers.stats.batches).toBeGreaterThan(before.batches);
    // Its batch rolled back and ran again without it (failure 1, retried); its first retry failed too
    // (2, retried again); the third delivery was handled. Every sibling was handled once.
    expect(consumers.stats.batchRollbacks - before.batchRollbacks).toBeGreaterThanOrEqual(1);
    expect(consumers.stats.retried - before.retried).toBe(2);
    expect(plan.calls.get(burst[5]!.orderId)).toBe(3);
    for (const data of burst.filter((_, i) => i !== 5)) expect(plan.calls.get(data.orderId)).toBeLessThanOrEqual(2);
    expect(consumers.stats.deadLettered).toBe(before.deadLettered);
  });

  it('leaves a row claimed by another relay alone until the claim expires, then publishes it', async () => {
    const prisma = app.get(PrismaService);
    const relay = app.get(OutboxRelay);
    const data = order();
    // As a relay of another process that claimed the row and then died would leave it.
    const event = createEvent(PedidoCriado, data, { source: 'orders', correlationId: data.orderId });
    await prisma.$executeRawUnsafe(
      `INSERT INTO outbox_message (id, routing_key, type, envelope, claimed_until)
       VALUES ($1::uuid, 'pedido.criado', 'PedidoCriado', $2::jsonb, now() + interval '1 hour')`,
      event.id,
      JSON.stringify(event),
    );
    const row = () => prisma.outboxMessage.findUniqueOrThrow({ where: { id: event.id } });

    await relay.sweepNow();
    expect((await row()).publishedAt).toBeNull();
    expect(await effectsOf(data.orderId)).toBe(0);

    await prisma.$executeRawUnsafe(
      `UPDATE outbox_message SET claimed_until = now() - interval '1 second' WHERE id = $1::uuid`,
      event.id,
    );
    await relay.sweepNow();
    await waitFor('row marked published', async () => (await row()).publishedAt !== null);
    await waitFor('event handled', async () => (await effectsOf(data.orderId)) === 1);
  });

  it('reads its lag from the unpublished rows only, however many published rows the table keeps', async () => {
    const prisma = app.get(PrismaService);
    const relay = app.get(OutboxRelay);
    // Published rows, as traffic leaves them until retention deletes them, and one event stuck for a minute
    // (claimed by a relay that died).
    await prisma.$executeRawUnsafe(
      `INSERT INTO outbox_message (id, routing_key, type, envelope, published_at, created_at)
       SELECT gen_random_uuid(), 'lag.probe', 'PedidoCriado', '{}'::jsonb, now(), now() - interval '1 hour'
       FROM generate_series(1, 5000)`,
    );
    await prisma.$executeRawUnsafe(
      `INSERT INTO outbox_message (id, routing_key, type, envelope, created_at, claimed_until)
       VALUES (gen_random_uuid(), 'lag.probe', 'PedidoCriado', '{}'::jsonb, now() - interval '1 minute', now() + interval '1 hour')`,
    );
    try {
      const unpublished = await prisma.outboxMessage.count({ where: { publishedAt: null } });
      const lag = await relay.lag();
      expect(lag.backlog).toBe(unpublished);
      expect(lag.oldestAgeMs).toBeGreaterThanOrEqual(60_000);
      expect(lag.oldestAgeMs).toBeLessThan(3_600_000);

      const { rows } = await app
        .get(RelayPool)
        .query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${OUTBOX_LAG}`);
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      const [, hit = '0', read = '0'] = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(plan) ?? [];
      // Walking the 5000 published rows took over a thousand buffers.
      expect(Number(hit) + Number(read), plan).toBeLessThan(50);
    } finally {
      await prisma.$executeRawUnsafe(`DELETE FROM outbox_message WHERE routing_key = 'lag.probe'`);
    }
  });

  it('resumes consuming by itself after the broker closes its connection', async () => {
    const names = await waitFor('the service connection is listed by the broker', async () => {
      const connections = await ns.management.connections(ns.name);
      const mine = connections.filter((c) => c.client_properties?.connection_name?.startsWith('orders-'));
      return mine.length ? mine.map((c) => c.name) : undefined;
    });
    for (const name of names) await ns.management.closeConnection(name);
    await waitFor('broker connection lost', () => !app.get(AmqpConnection).managedConnection.isConnected(), {
      timeoutMs: 5000,
    }).catch(() => undefined);

    const event = await placeOrder(app);
    await waitFor('event handled after reconnecting', async () => (await effectsOf(event.data.orderId)) === 1, {
      timeoutMs: 30_000,
    });
  });

  it('survives the broker closing the channel while a handler runs: no crash, redelivered, handled once', async () => {
    const data = order();
    let entered!: () => void;
    let release!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    app
      .get(FailurePlan)
      .gates.set(data.orderId, { entered, release: new Promise<void>((resolve) => (release = resolve)) });
    const duplicatesBefore = app.get(EventConsumers).stats.duplicates;
    await placeOrder(app, data);
    await handlerEntered;

    for (const connection of await waitFor('connections listed', async () => {
      const mine = (await ns.management.connections(ns.name)).filter((c) =>
        c.client_properties?.connection_name?.startsWith('orders-'),
      );
      return mine.length ? mine : undefined;
    })) {
      await ns.management.closeConnection(connection.name);
    }
    await waitFor('broker connection lost', () => !app.get(AmqpConnection).managedConnection.isConnected());
    release(); // the handler commits; its ack now fails on the closed channel

    await waitFor(
      'redelivered copy recognised as a duplicate',
      () => app.get(EventConsumers).stats.duplicates > duplicatesBefore,
      {
        timeoutMs: 30_000,
      },
    );
    expect(await effectsOf(data.orderId)).toBe(1);
  });

  const purgeDlq = () => probe.purge(`${QUEUE}.dlq`);
});
