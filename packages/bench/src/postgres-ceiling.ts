import { withDatabase } from '@loja/provisioning';
import { Client } from 'pg';
import type { PostgresCeiling } from './results';
import { MeasureWindow } from './measure-window';

export interface PostgresCeilingOptions {
  /** Admin connection (may create databases). */
  postgresUrl: string;
  /** A database of its own, created and dropped here. */
  database: string;
  durationS: number;
  clients?: number;
  rows?: number;
  log: (line: string) => void;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * PostgreSQL's rate of small write transactions, like the services' own (one row updated, one row
 * inserted, committed): `clients` connections each looping BEGIN; UPDATE one row by random key;
 * INSERT one row; COMMIT, with prepared statements. Returns transactions per second after a warm-up.
 */
export async function measurePostgresCeiling(o: PostgresCeilingOptions): Promise<PostgresCeiling> {
  const clients = o.clients ?? 8;
  const rows = o.rows ?? 1000;
  const admin = new Client({ connectionString: o.postgresUrl, application_name: 'bench-ceiling-admin' });
  await admin.connect();
  const workers: Client[] = [];
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${ident(o.database)} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${ident(o.database)}`);
    const url = withDatabase(o.postgresUrl, o.database);

    const setup = new Client({ connectionString: url, application_name: 'bench-ceiling-setup' });
    await setup.connect();
    try {
      await setup.query('CREATE TABLE account (id int PRIMARY KEY, balance bigint NOT NULL DEFAULT 0)');
      await setup.query('INSERT INTO account (id) SELECT generate_series(1, $1::int)', [rows]);
      await setup.query(
        `CREATE TABLE account_history (id bigserial PRIMARY KEY, account_id int NOT NULL, delta int NOT NULL,
           created_at timestamptz NOT NULL DEFAULT now())`,
      );
      await setup.query('VACUUM ANALYZE account');
    } finally {
      await setup.end();
    }

    for (let i = 0; i < clients; i++) {
      const client = new Client({ connectionString: url, application_name: `bench-ceiling-${i}` });
      client.on('error', () => undefined);
      await client.connect();
      workers.push(client);
    }

    const measure = new MeasureWindow();
    let transactions = 0;
    let errors = 0;
    const loop = async (client: Client) => {
      while (!measure.stopped) {
        const id = 1 + Math.floor(Math.random() * rows);
        const delta = Math.floor(Math.random() * 1000) - 500;
        try {
          await client.query('BEGIN');
          await client.query({
            name: 'update-account',
            text: 'UPDATE account SET balance = balance + $1 WHERE id = $2',
            values: [delta, id],
          });
          await client.query({
            name: 'insert-history',
            text: 'INSERT INTO account_history (account_id, delta) VALUES ($1, $2)',
            values: [id, delta],
          });
          await client.query('COMMIT');
          if (measure.measuring) transactions++;
        } catch {
          if (measure.measuring) errors++;
          await client.query('ROLLBACK').catch(() => undefined);
        }
      }
    };
    const elapsedS = await measure.run(o.durationS, workers.map(loop));

    const result: PostgresCeiling = {
      durationS: o.durationS,
      clients,
      rows,
      transactions,
      errors,
      txPerSec: Math.round(transactions / elapsedS),
    };
    o.log(`  PostgreSQL: ${result.txPerSec} tx/s with ${clients} clients over ${o.durationS} s`);
    return result;
  } finally {
    for (const client of workers) await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${ident(o.database)} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  }
}
