import { Pool } from 'pg';
import type { MessagingOptions } from './messaging.options';

/**
 * A small pg pool of messaging's own on the service's database, for the outbox relay and the health
 * check; handlers never use it (they run in the service's Prisma transactions).
 *
 * Its commits are asynchronous (synchronous_commit=off): it only writes the relay's claims and
 * "published" marks, and losing the last of those in a database crash only makes the relay publish
 * those events again, which consumers' inboxes absorb. The events themselves are written by the
 * services' own, durable transactions. This spares the database a disk flush per relay batch.
 */
export class DatabasePool extends Pool {
  static fromOptions(options: MessagingOptions): DatabasePool {
    const pool = new DatabasePool({
      connectionString: options.databaseUrl,
      max: 3,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5_000,
      application_name: `${options.service}-messaging`,
      options: '-c synchronous_commit=off',
    });
    // A client losing its connection (database restart) must not crash the process, idle or checked
    // out: the error surfaces on the next query instead, and the broken client is discarded on release.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return pool;
  }
}
