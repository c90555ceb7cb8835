import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, PedidoCriado } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, EventConsumers, MessageRetention, RETENTION_LOCK } from '../src';
import { BrokerProbe, TestNamespace, waitFor } from '../src/testing';
import { PrismaService, startTestApp } from './fixtures/test-app';

const DAY_MS = 24 * 3_600_000;
const QUEUE = 'test.record-order';
/** A week for both tables, as in production; batches of 10 so a few dozen rows take several. */
const RETENTION = { outboxRetentionMs: 7 * DAY_MS, inboxRetentionMs: 7 * DAY_MS, batchSize: 10 };

describe('retention: old handled messages are deleted in batches, duplicates within the window still caught', () => {
  let ns: TestNamespace;
  let databaseUrl: string;
  let probe: BrokerProbe;
  let app: INestApplication;

  const db = () => app.get(Database);

  /** Outbox rows as the relay leaves them, `days` ago; unpublished ones leased so no relay takes them. */
  async function outboxRows(count: number, at: { createdDaysAgo: number; publishedDaysAgo: number | null }) {
    const rows = await db().query<{ id: string }>(
      `INSERT INTO outbox_message (id, routing_key, type, envelope, created_at, published_at, claimed_until)
       SELECT gen_random_uuid(), 'test.retention', 'Test', '{}'::jsonb, now() - make_interval(days => $2),
              now() - make_interval(days => $3::int),
              CASE WHEN $3::int IS NULL THEN now() + interval '1 day' END
         FROM generate_series(1, $1) RETURNING id::text`,
      [count, at.createdDaysAgo, at.publishedDaysAgo],
    );
    return rows.map((row) => row.id);
  }

  async function inboxRows(count: number, handledDaysAgo: number) {
    const rows = await db().query<{ event_id: string }>(
      `INSERT INTO inbox_message (consumer, event_id, type, handled_at)
       SELECT 'test.other-queue', gen_random_uuid(), 'Test', now() - make_interval(days => $2)
         FROM generate_series(1, $1) RETURNING event_id::text`,
      [count, handledDaysAgo],
    );
    return rows.map((row) => row.event_id);
  }

  const outboxIdsAmong = async (ids: string[]) =>
    (await db().query<{ id: string }>('SELECT id::text FROM outbox_message WHERE id = ANY($1::uuid[])', [ids]))
      .map((row) => row.id)
      .sort();
  const inboxIdsAmong = async (ids: string[]) =>
    (
      await db().query<{ event_id: string }>(
        'SELECT event_id::text FROM inbox_message WHERE event_id = ANY($1::uuid[])',
        [ids],
      )
    )
      .map((row) => row.event_id)
      .sort();
  const effectsOf = (eventId: string) => app.get(PrismaService).testEffect.count({ where: { eventId } });

  beforeAll(async () => {
    ns = await TestNamespace.create('retention');
    databaseUrl = await ns.database('messaging', join(__dirname, '..'));
    app = await startTestApp({ databaseUrl, rabbitmqUrl: ns.rabbitmqUrl, retention: RETENTION });
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
  });

  afterAll(async () => {
    await probe?.close();
    await app?.close();
    await ns?.dispose();
  });

  it('deletes old published outbox rows and old inbox rows in batches; recent and unpublished rows stay', async () => {
    const oldPublished = await outboxRows(25, { createdDaysAgo: 9, publishedDaysAgo: 8 });
    const recentPublished = await outboxRows(3, { createdDaysAgo: 9, publishedDaysAgo: 6 });
    const oldUnpublished = await outboxRows(2, { createdDaysAgo: 30, publishedDaysAgo: null });
    const oldInbox = await inboxRows(25, 8);
    const recentInbox = await inboxRows(3, 6);

    const run = await app.get(MessageRetention).sweepNow();

    // 25 rows in batches of 10: 10, 10, then 5 (fewer than a batch: done).
    expect(run).toEqual({ outbox: { deleted: 25, batches: 3 }, inbox: { deleted: 25, batches: 3 }, skipped: false });
    expect(await outboxIdsAmong([...oldPublished, ...recentPublished, ...oldUnpublished])).toEqual(
      [...recentPublished, ...oldUnpublished].sort(),
    );
    expect(await inboxIdsAmong([...oldInbox, ...recentInbox])).toEqual([...recentInbox].sort());
    expect(await app.get(MessageRetention).sweepNow()).toEqual({
      outbox: { deleted: 0, batches: 1 },
      inbox: { deleted: 0, batches: 1 },
      skipped: false,
    });
  });

  it('still recognises a duplicate whose inbox row is within the window; past it the row is gone', async () => {
    const consumers = app.get(EventConsumers);
    const withinWindow = createEvent(PedidoCriado, sampleData(PedidoCriado, { orderId: randomUUID() }), {
      source: 'orders',
      correlationId: randomUUID(),
    });
    const pastWindow = createEvent(PedidoCriado, sampleData(PedidoCriado, { orderId: randomUUID() }), {
      source: 'orders',
      correlationId: randomUUID(),
    });
    for (const event of [withinWindow, pastWindow]) {
      await probe.publish('loja.events', 'pedido.criado', event, { messageId: event.id });
    }
    await waitFor(
      'both events handled',
      async () => (await effectsOf(withinWindow.id)) + (await effectsOf(pastWindow.id)) === 2,
    );
    // Their handling, six and eight days ago.
    await db().execute(
      `UPDATE inbox_message SET handled_at = now() - make_interval(days => CASE WHEN event_id = $1 THEN 6 ELSE 8 END)
        WHERE consumer = $3 AND event_id IN ($1, $2)`,
      [withinWindow.id, pastWindow.id, QUEUE],
    );

    const run = await app.get(MessageRetention).sweepNow();

    expect(run.inbox.deleted).toBe(1);
    expect(await inboxIdsAmong([withinWindow.id, pastWindow.id])).toEqual([withinWindow.id]);
    const duplicatesBefore = consumers.stats.duplicates;
    await probe.publish('loja.events', 'pedido.criado', withinWindow, { messageId: withinWindow.id });
    await waitFor(
      'the redelivery acknowledged as a duplicate',
      () => consumers.stats.duplicates === duplicatesBefore + 1,
    );
    expect(await effectsOf(withinWindow.id)).toBe(1);
    // Past the window nothing remembers the event: a duplicate that late is handled again (ADR 0011).
    await probe.publish('loja.events', 'pedido.criado', pastWindow, { messageId: pastWindow.id });
    await waitFor('the late duplicate handled again', async () => (await effectsOf(pastWindow.id)) === 2);
    expect(await probe.messageCount(QUEUE)).toBe(0);
  });

  it('leaves the deleting to the replica that holds the lock', async () => {
    const other = new Client({ connectionString: databaseUrl });
    await other.connect();
    try {
      const old = await outboxRows(1, { createdDaysAgo: 9, publishedDaysAgo: 8 });
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [RETENTION_LOCK]);

      expect(await app.get(MessageRetention).sweepNow()).toMatchObject({ skipped: true, outbox: { deleted: 0 } });
      expect(await outboxIdsAmong(old)).toEqual(old);

      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [RETENTION_LOCK]);
      expect(await app.get(MessageRetention).sweepNow()).toMatchObject({ skipped: false, outbox: { deleted: 1 } });
    } finally {
      await other.end();
    }
  });

  it('runs by itself every MESSAGING_RETENTION_INTERVAL_MS in a service using MessagingModule', async () => {
    const scheduled = await startTestApp({
      databaseUrl,
      rabbitmqUrl: ns.rabbitmqUrl,
      retention: { ...RETENTION, intervalMs: 100 },
    });
    try {
      const oldOutbox = await outboxRows(12, { createdDaysAgo: 9, publishedDaysAgo: 8 });
      const oldInbox = await inboxRows(12, 8);
      await waitFor('old rows deleted by the periodic sweep', async () => {
        const left = (await outboxIdsAmong(oldOutbox)).length + (await inboxIdsAmong(oldInbox)).length;
        return left === 0;
      });
    } finally {
      await scheduled.close();
    }
  });
});
