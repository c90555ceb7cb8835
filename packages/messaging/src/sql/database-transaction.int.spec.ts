import { dropNamespaceDatabases, provisionServiceDatabase, serverSettingsFromEnv } from '@loja/provisioning';
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessagingOptions } from '../messaging.options';
import type { OutboxRelay } from '../outbox/outbox-relay.service';
import { countRoundTrips } from '../testing/round-trips';
import { Tracing } from '../tracing/tracing';
import { Database } from './database';
import { createDatabasePool, type TransactionPool } from './database-pools';
import { TransactionRolledBackError } from './pipelined-statement';

describe('Database.transaction on a real PostgreSQL: BEGIN and COMMIT ride with statements', () => {
  const { postgresUrl } = serverSettingsFromEnv();
  const namespace = `t${randomBytes(4).toString('hex')}_transaction`;
  let url: string;
  let pool: TransactionPool;
  let database: Database;
  const rows = async () =>
    (await database.query<{ id: number }>('SELECT id FROM probe ORDER BY id')).map((row) => row.id);

  beforeAll(async () => {
    url = await provisionServiceDatabase(postgresUrl, namespace, 'transaction');
    // One connection: every transaction reuses the statements the earlier ones prepared on it.
    pool = createDatabasePool(url, 1, 'transaction-test');
    database = new Database({ batchSize: 16 } as MessagingOptions, pool, {} as OutboxRelay, new Tracing());
    await database.execute(`CREATE TABLE probe (
      id int PRIMARY KEY,
      amount bigint NOT NULL DEFAULT 0,
      parent int REFERENCES probe (id) DEFERRABLE INITIALLY DEFERRED)`);
  });

  beforeEach(async () => {
    await database.execute('TRUNCATE probe');
  });

  afterAll(async () => {
    await pool?.end();
    await dropNamespaceDatabases(postgresUrl, namespace);
  });

  /** Round trips `work` took on `on`'s connections. */
  async function counted(work: () => Promise<unknown>, on: Pool = pool): Promise<number> {
    const roundTrips = countRoundTrips(on);
    try {
      await work();
    } finally {
      roundTrips.stop();
    }
    return roundTrips.count;
  }

  it('commits three statements in three round trips, and returns what they read, bigints as bigints', async () => {
    let read: unknown;
    const trips = await counted(() =>
      database.transaction(async (tx) => {
        await tx.execute('INSERT INTO probe (id, amount) VALUES ($1, $2)', [1, 9_007_199_254_740_993n]);
        read = await tx.query('SELECT id, amount FROM probe WHERE id = $1', [1]);
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1)', [2]);
      }),
    );
    expect(trips).toBe(3);
    expect(read).toEqual([{ id: 1, amount: 9_007_199_254_740_993n }]);
    expect(await rows()).toEqual([1, 2]);
  });

  it('sends nothing for a transaction without statements, and BEGIN, statement and COMMIT at once for one', async () => {
    expect(await counted(() => database.transaction(async () => 'nothing to do'))).toBe(0);
    const trips = await counted(() =>
      database.transaction((tx) => tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1)', [3])),
    );
    expect(trips).toBe(1);
    expect(await rows()).toEqual([3]);
  });

  it('sends every write left for the commit with COMMIT, in the order asked, once they are prepared', async () => {
    const writeAll = () =>
      database.transaction(async (tx) => {
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* all at commit */', [21]);
        await tx.executeAtCommit('UPDATE probe SET amount = amount + $2 WHERE id = $1 /* at commit */', [21, 5]);
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* all at commit */', [22]);
        await tx.executeAtCommit('UPDATE probe SET amount = amount + $2 WHERE id = $1 /* at commit */', [21, 2]);
      });
    // New texts on this connection are prepared first (only a pipeline's first statement may be).
    expect(await counted(writeAll)).toBeLessThanOrEqual(4);
    await database.execute('TRUNCATE probe');
    expect(await counted(writeAll)).toBe(1);
    expect(await database.query('SELECT id, amount FROM probe ORDER BY id')).toEqual([
      { id: 21, amount: 7n },
      { id: 22, amount: 0n },
    ]);
  });

  it('keeps nothing when a later write sent with COMMIT fails, and the connection works on', async () => {
    await database.execute('INSERT INTO probe (id) VALUES (1)');
    await expect(
      database.transaction(async (tx) => {
        await tx.execute('INSERT INTO probe (id) VALUES ($1)', [23]);
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* all at commit */', [24]);
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* all at commit */', [1]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([1]);
    await database.transaction((tx) =>
      tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* all at commit */', [25]),
    );
    expect(await rows()).toEqual([1, 25]);
  });

  it('keeps nothing when the statement sent with BEGIN fails, and the connection works on', async () => {
    await database.execute('INSERT INTO probe (id) VALUES (1)');
    await expect(
      database.transaction(async (tx) => {
        await tx.execute('INSERT INTO probe (id) VALUES ($1)', [1]);
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1)', [2]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([1]);
    await database.transaction((tx) => tx.execute('INSERT INTO probe (id) VALUES ($1)', [4]));
    expect(await rows()).toEqual([1, 4]);
  });

  it('never runs the COMMIT sent behind a failed statement: the earlier statements are rolled back', async () => {
    await expect(
      database.transaction(async (tx) => {
        await tx.execute('INSERT INTO probe (id) VALUES ($1)', [5]);
        await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1)', [5]);
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([]);
  });

  it('fails, keeping nothing, when COMMIT itself fails (a deferred foreign key)', async () => {
    await expect(
      database.transaction(async (tx) => {
        await tx.execute('INSERT INTO probe (id) VALUES ($1)', [6]);
        await tx.executeAtCommit('INSERT INTO probe (id, parent) VALUES ($1, $2)', [7, 404]);
      }),
    ).rejects.toThrow(/foreign key/);
    expect(await rows()).toEqual([]);
  });

  it('fails when a statement error was swallowed: COMMIT answers ROLLBACK, which is no commit', async () => {
    await database.execute('INSERT INTO probe (id) VALUES (1)');
    await expect(
      database.transaction(async (tx) => {
        await tx.execute('INSERT INTO probe (id) VALUES ($1)', [8]);
        await tx.execute('INSERT INTO probe (id) VALUES ($1)', [1]).catch(() => undefined);
      }),
    ).rejects.toThrow(TransactionRolledBackError);
    expect(await rows()).toEqual([1]);
  });

  it('sends BEGIN and COMMIT on their own for texts past the bound of named statements, with the same outcome', async () => {
    const own = createDatabasePool(url, 1, 'transaction-test-unnamed');
    const unnamed = new Database({ batchSize: 16 } as MessagingOptions, own, {} as OutboxRelay, new Tracing());
    try {
      for (let i = 0; i < 1000; i++) await unnamed.query(`SELECT ${i} AS n`); // every name taken
      const trips = await counted(
        () =>
          unnamed.transaction(async (tx) => {
            await tx.execute('INSERT INTO probe (id) VALUES ($1) /* unnamed */', [11]);
            await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* unnamed */', [12]);
          }),
        own,
      );
      expect(trips).toBe(4); // BEGIN, two statements, COMMIT
      expect(await rows()).toEqual([11, 12]);

      await expect(
        unnamed.transaction(async (tx) => {
          await tx.execute('INSERT INTO probe (id) VALUES ($1) /* unnamed */', [13]);
          await tx.executeAtCommit('INSERT INTO probe (id) VALUES ($1) /* unnamed */', [11]);
        }),
      ).rejects.toThrow(/duplicate key/);
      expect(await rows()).toEqual([11, 12]);
    } finally {
      await own.end();
    }
  });

  it('reports a statement PostgreSQL cannot parse every time, without losing the connection', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(
        database.transaction((tx) => tx.execute('INSERT INTO probe (id) VALUS ($1)', [9])),
        `attempt ${attempt + 1}`,
      ).rejects.toThrow(/syntax error/);
    }
    await database.transaction((tx) => tx.execute('INSERT INTO probe (id) VALUES ($1)', [10]));
    expect(await rows()).toEqual([10]);
  });
});
