import { Pool } from 'pg';
import type { MessagingOptions } from './messaging.options';

/**
 * A small pg pool of messaging's own on the service's database, for the outbox relay and the health
 * check; handlers never use it (they run in the service's Prisma transactions).
 */
export class DatabasePool extends Pool {
  static fromOptions(options: MessagingOptions): DatabasePool {
    const pool = new DatabasePool({
      connectionString: options.databaseUrl,
      max: 3,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: `${options.service}-messaging`,
    });
    // A client losing its connection (database restart) must not crash the process, idle or checked
    // out between two queries (the relay holds one while it waits for the broker's confirms): the
    // error surfaces on the next query instead, and the broken client is discarded on release.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  }
}
