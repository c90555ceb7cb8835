import { dropNamespaceDatabases, provisionServiceDatabase, serverSettingsFromEnv } from '@loja/provisioning';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagingOptions } from '../messaging.options';
import type { OutboxRelay } from '../outbox/outbox-relay.service';
import { Tracing } from '../tracing/tracing';
import { Database } from './database';
import { createDatabasePool, type TransactionPool } from './database-pools';

describe('Database on a real PostgreSQL', () => {
  const { postgresUrl } = serverSettingsFromEnv();
  const namespace = `t${randomBytes(4).toString('hex')}_database`;
  let pool: TransactionPool;
  let database: Database;

  beforeAll(async () => {
    const url = await provisionServiceDatabase(postgresUrl, namespace, 'database');
    pool = createDatabasePool(url, 2, 'database-test');
    // Only transactions that write events reach the relay; these do not.
    const relay = {} as OutboxRelay;
    database = new Database({ batchSize: 16 } as MessagingOptions, pool, relay, new Tracing());
  });

  afterAll(async () => {
    await pool?.end();
    await dropNamespaceDatabases(postgresUrl, namespace);
  });

  it('answers queryWithIndexScans with an index scan where the planner would not, and skips dead entries', async () => {
    // Orders' (status, created_at) index after status changes: most entries belong to dead row versions.
    await database.execute(`CREATE TABLE probe_order (id int PRIMARY KEY, status text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())
                            WITH (autovacuum_enabled = false)`);
    await database.execute('CREATE INDEX probe_order_status_created_at ON probe_order (status, created_at DESC)');
    await database.execute(`INSERT INTO probe_order (id, status) SELECT i, 'PENDING' FROM generate_series(1, 3000) i`);
    for (const status of ['PAID', 'IN_PREPARATION', 'SHIPPED']) {
      await database.execute(`UPDATE probe_order SET status = $1 WHERE id > 25`, [status]);
    }
    const count = `SELECT count(*)::int AS n FROM probe_order WHERE status IN ('PENDING', 'PAID', 'IN_PREPARATION')`;
    const plan = async (query: (text: string) => Promise<Array<Record<string, string>>>) =>
      (await query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${count}`)).map((row) => row['QUERY PLAN']).join('\n');

    const planned = await plan((text) => database.query(text));
    expect(planned).toMatch(/Bitmap|Seq Scan/); // what the planner picks on its own: the case at hand

    const first = await plan((text) => database.queryWithIndexScans(text));
    expect(first).toMatch(/Index (Only )?Scan using probe_order_status_created_at/);
    expect(first).not.toMatch(/Bitmap|Seq Scan/);
    // The first scan marked the dead entries; the next one reads a fraction of the buffers.
    const buffers = (text: string) => Number(/Buffers: shared hit=(\d+)/.exec(text)?.[1]);
    const second = await plan((text) => database.queryWithIndexScans(text));
    expect(buffers(second)).toBeLessThan(buffers(first) / 4);

    expect(await database.queryWithIndexScans<{ n: number }>(count)).toEqual([{ n: 25 }]);
    // The settings were the transaction's own: the pool's connections plan as before.
    expect(await plan((text) => database.query(text))).toMatch(/Bitmap|Seq Scan/);
  });
});
