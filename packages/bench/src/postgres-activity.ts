import { Client } from 'pg';

export interface DatabaseTotals {
  transactions: number;
  rowsWritten: number;
}

/**
 * Cumulative per-database counters of pg_stat_database for the store's databases (`<namespace>_<service>`),
 * keyed by service. Backends flush them when they go idle (at most every second), so deltas are read
 * between two quiet moments, like the broker's.
 */
export class PostgresActivity {
  constructor(
    private readonly adminUrl: string,
    private readonly namespace: string,
  ) {}

  async read(): Promise<Map<string, DatabaseTotals> | undefined> {
    const client = new Client({ connectionString: this.adminUrl, application_name: 'bench-activity' });
    try {
      await client.connect();
      const { rows } = await client.query<{ datname: string; tx: string; written: string }>(
        `SELECT datname, xact_commit + xact_rollback AS tx, tup_inserted + tup_updated + tup_deleted AS written
           FROM pg_stat_database WHERE starts_with(datname, $1)`,
        [`${this.namespace}_`],
      );
      return new Map(
        rows.map((r) => [
          r.datname.slice(this.namespace.length + 1),
          { transactions: Number(r.tx), rowsWritten: Number(r.written) },
        ]),
      );
    } catch {
      return undefined;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** (after − before) ÷ orders per service, to 0.1. */
export function perOrder(
  before: Map<string, DatabaseTotals>,
  after: Map<string, DatabaseTotals>,
  orders: number,
): Record<string, DatabaseTotals> {
  if (!orders) return {};
  const result: Record<string, DatabaseTotals> = {};
  for (const [name, end] of after) {
    const start = before.get(name) ?? { transactions: 0, rowsWritten: 0 };
    result[name] = {
      transactions: Math.round(((end.transactions - start.transactions) / orders) * 10) / 10,
      rowsWritten: Math.round(((end.rowsWritten - start.rowsWritten) / orders) * 10) / 10,
    };
  }
  return result;
}
