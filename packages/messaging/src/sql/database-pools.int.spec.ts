import { Client } from 'pg';
import { dropNamespaceDatabases, provisionServiceDatabase, serverSettingsFromEnv } from '@loja/provisioning';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabasePool, createRelayPool } from './database-pools';

describe('the service pools on a real PostgreSQL', () => {
  const { postgresUrl } = serverSettingsFromEnv();
  const namespace = `t${randomBytes(4).toString('hex')}_pool`;
  let url: string;

  beforeAll(async () => {
    url = await provisionServiceDatabase(postgresUrl, namespace, 'pool');
  });

  afterAll(async () => {
    await dropNamespaceDatabases(postgresUrl, namespace);
  });

  async function terminateConnections(applicationName: string): Promise<number> {
    const admin = new Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  it('survives the server dropping an idle client and one checked out between queries', async () => {
    const pool = createDatabasePool(url, 3, 'pool-survival-test');
    const checkedOut = await pool.connect();
    await checkedOut.query('BEGIN');
    await pool.query('SELECT 1'); // leaves a second, idle client in the pool

    expect(await terminateConnections('pool-survival-test')).toBe(2);
    // Without the pool's listeners the server's goodbye is an uncaught exception and the run fails;
    // with them it surfaces here, on the next query.
    await expect(checkedOut.query('SELECT 1')).rejects.toThrow();
    checkedOut.release(new Error('connection lost'));
    const { rows } = await pool.query<{ ok: number }>('SELECT 1 AS ok');
    expect(rows[0]?.ok).toBe(1);
    await pool.end();
  });

  it("counts the outbox backlog on the relay's connections with an index scan, which skips dead entries", async () => {
    const pool = createRelayPool(url, 'pool-plan-test');
    try {
      // The outbox's (published_at, seq) index, with the dead "unpublished" entries that publishing leaves.
      await pool.query(`CREATE TABLE backlog_probe (id int PRIMARY KEY, seq bigserial, published_at timestamptz)
                        WITH (autovacuum_enabled = false)`);
      await pool.query('CREATE INDEX backlog_probe_published_at_seq ON backlog_probe (published_at, seq)');
      await pool.query('INSERT INTO backlog_probe (id) SELECT generate_series(1, 3000)');
      await pool.query('UPDATE backlog_probe SET published_at = now() WHERE id > 10');

      const { rows } = await pool.query<{ 'QUERY PLAN': string }>(
        'EXPLAIN SELECT count(*) FROM backlog_probe WHERE published_at IS NULL',
      );
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(plan).toContain('Index Only Scan using backlog_probe_published_at_seq');
      expect(plan).not.toContain('Bitmap');
      const count = await pool.query<{ backlog: number }>(
        'SELECT count(*)::int AS backlog FROM backlog_probe WHERE published_at IS NULL',
      );
      expect(count.rows[0]?.backlog).toBe(10);
    } finally {
      await pool.end();
    }
  });
});
