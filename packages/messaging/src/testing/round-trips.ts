import type { Pool, PoolClient } from 'pg';

/**
 * Counts the round trips to PostgreSQL made on the connections `pool` hands out from now on (each
 * ends with a ReadyForQuery): what a test asserts to show that statements ride together.
 */
export function countRoundTrips(pool: Pool): { readonly count: number; stop(): void } {
  let count = 0;
  let counting = true;
  const watched = new WeakSet<PoolClient>();
  const watch = (client: PoolClient) => {
    if (watched.has(client)) return;
    watched.add(client);
    (client as unknown as { connection: NodeJS.EventEmitter }).connection.on('readyForQuery', () => {
      if (counting) count++;
    });
  };
  pool.on('acquire', watch);
  return {
    get count() {
      return count;
    },
    stop() {
      counting = false;
      pool.off('acquire', watch);
    },
  };
}
