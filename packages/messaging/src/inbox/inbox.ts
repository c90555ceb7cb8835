import { isUniqueViolation } from '../sql/unique-violation';
import type { SqlExecutor, SqlTransaction } from '../sql/sql-transaction';

const RECORD = `INSERT INTO inbox_message (consumer, event_id, type)
  SELECT $1, event_id, type FROM unnest($2::uuid[], $3::text[]) AS batch(event_id, type)
  ON CONFLICT DO NOTHING
  RETURNING event_id::text`;
const RECORD_NEW = `INSERT INTO inbox_message (consumer, event_id, type)
  SELECT $1, event_id, type FROM unnest($2::uuid[], $3::text[]) AS batch(event_id, type)`;
const RECORDED = `SELECT 1 FROM inbox_message WHERE consumer = $1 AND event_id = ANY($2::uuid[]) LIMIT 1`;
const PRIMARY_KEY = 'inbox_message_pkey';

type InboxEvent = { id: string; type: string };

/**
 * Records events as handled by `consumer`, in the transaction of their effects: they commit together,
 * so a redelivered event finds its row. One statement for any number of events; returns the ids not
 * seen before (a duplicate, already recorded or twice in the list, is not returned).
 */
export async function recordInInbox(
  tx: SqlTransaction,
  consumer: string,
  events: ReadonlyArray<InboxEvent>,
): Promise<Set<string>> {
  const rows = await tx.query<{ event_id: string }>(RECORD, inboxValues(consumer, events));
  return new Set(rows.map((row) => row.event_id));
}

/**
 * Records events taken to be new (distinct, never handled by `consumer`), with COMMIT, in its round
 * trip. If one of them was handled before, the insert breaks the primary key at COMMIT and the whole
 * transaction rolls back (`isRedelivery` tells that failure apart).
 */
export function recordNewInInbox(tx: SqlTransaction, consumer: string, events: ReadonlyArray<InboxEvent>): void {
  void tx.executeAtCommit(RECORD_NEW, inboxValues(consumer, events));
}

/** The failure of `recordNewInInbox` when an event it recorded had been handled already. */
export function isRedelivery(error: unknown): boolean {
  return isUniqueViolation(error, PRIMARY_KEY);
}

/** Whether `consumer` has handled any of the events already (outside any transaction: committed rows). */
export async function anyHandled(executor: SqlExecutor, consumer: string, eventIds: string[]): Promise<boolean> {
  return (await executor.query(RECORDED, [consumer, eventIds])).length > 0;
}

function inboxValues(consumer: string, events: ReadonlyArray<InboxEvent>): unknown[] {
  return [consumer, events.map((event) => event.id), events.map((event) => event.type)];
}
