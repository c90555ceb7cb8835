import type { SqlTransaction } from '../sql/sql-transaction';

const RECORD = `INSERT INTO inbox_message (consumer, event_id, type)
  SELECT $1, event_id, type FROM unnest($2::uuid[], $3::text[]) AS batch(event_id, type)
  ON CONFLICT DO NOTHING
  RETURNING event_id::text`;

/**
 * Records events as handled by `consumer`, in the transaction of their effects: they commit together,
 * so a redelivered event finds its row. One statement for any number of events; returns the ids not
 * seen before (a duplicate, already recorded or twice in the list, is not returned).
 */
export async function recordInInbox(
  tx: SqlTransaction,
  consumer: string,
  events: ReadonlyArray<{ id: string; type: string }>,
): Promise<Set<string>> {
  const rows = await tx.query<{ event_id: string }>(RECORD, [
    consumer,
    events.map((event) => event.id),
    events.map((event) => event.type),
  ]);
  return new Set(rows.map((row) => row.event_id));
}
