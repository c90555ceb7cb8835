import { Pool } from 'pg';

/**
 * The pg pool a service's Prisma client runs on (`new PrismaPg(pool)`). A connection the server
 * drops (a database restart) must never crash the process: without an 'error' listener, node-postgres
 * raises the error on a client that is idle or checked out between two queries as an uncaught
 * exception. With these listeners the error surfaces on that client's next query instead, the
 * transaction fails, and the message is retried.
 */
export function createDatabasePool(connectionString: string, max: number, applicationName: string): Pool {
  const pool = new Pool({ connectionString, max, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
