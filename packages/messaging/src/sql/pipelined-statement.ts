import pg, { Query, type Connection, type QueryResult } from 'pg';
import type { Duplex } from 'node:stream';

/** What this file relies on of node-postgres 8 beyond its typings (pipelined-statement.int.spec.ts covers it). */
interface ConnectionInternals {
  stream: Duplex;
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
}
interface QueryInternals {
  handleCommandComplete(message: { text: string }, connection: Connection): void;
  handleReadyForQuery(connection: Connection): void;
  handleError(error: Error, connection: Connection): void;
}
const base = Query.prototype as unknown as QueryInternals;
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue;

/** COMMIT answered ROLLBACK: the transaction had failed, and none of its writes were kept. */
export class TransactionRolledBackError extends Error {
  constructor() {
    super('COMMIT answered ROLLBACK: the transaction had already failed, nothing it wrote was kept');
  }
}

export interface StatementBrackets {
  /** Sends BEGIN first: the statement opens its transaction. */
  begin: boolean;
  /** Sends COMMIT after it: the statement is its transaction's last. */
  commit: boolean;
}

/** A named prepared statement and its values, as node-postgres takes them. */
export interface StatementConfig {
  name: string;
  text: string;
  values: unknown[];
  types: unknown;
}

/**
 * Named prepared statements sent in one round trip with the BEGIN that opens their transaction, the
 * COMMIT that ends it, or both, instead of one round trip each: on this machine every round trip is
 * a write, a read and a wake-up on both sides.
 *
 * PostgreSQL's extended protocol runs the messages up to a Sync in order and, after an error, skips
 * the rest up to the Sync: a COMMIT sent behind a statement that fails never runs, and the
 * transaction stays open, failed, for the caller to roll back, exactly as if each had been sent on
 * its own. The result is the first statement's, as node-postgres gives it; its Parse goes first, so
 * node-postgres records it as prepared only if PostgreSQL did prepare it. node-postgres keeps that
 * record for one statement per query, so the statements after the first must be prepared on this
 * connection already (`isPrepared`), and must return no rows: nothing reads them.
 */
export function runPipelined(
  client: { query(statement: Query): unknown },
  statements: readonly StatementConfig[],
  brackets: StatementBrackets,
): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    client.query(
      new PipelinedStatement(statements, brackets, (error, result) => (error ? reject(error) : resolve(result!))),
    );
  });
}

/** Whether `name` is prepared on the connection of `client` (a transaction's PoolClient). */
export function isPrepared(client: unknown, name: string): boolean {
  const connection = (client as { connection: ConnectionInternals }).connection;
  return connection.parsedStatements[name] !== undefined;
}

class PipelinedStatement extends Query {
  /** CommandComplete messages seen: BEGIN's (if sent), then the statements', then COMMIT's (if sent). */
  private completions = 0;
  private rolledBack = false;

  constructor(
    private readonly statements: readonly StatementConfig[],
    private readonly brackets: StatementBrackets,
    callback: (error: Error | undefined, result: QueryResult | undefined) => void,
  ) {
    super(statements[0] as never, callback as never);
    // node-postgres calls `submit` when the connection is free; its typings make it a property.
    this.submit = (connection: Connection) => this.send(connection as unknown as Connection & ConnectionInternals);
  }

  private send(connection: Connection & ConnectionInternals): void {
    const [first, ...rest] = this.statements;
    const { name, text } = first!;
    connection.stream.cork();
    try {
      if (connection.parsedStatements[name] === undefined && connection.submittedNamedStatements[name] === undefined) {
        connection.parse({ name, text, types: [] }, false);
        connection.submittedNamedStatements[name] = text;
      }
      if (this.brackets.begin) sendUnnamed(connection, 'BEGIN');
      connection.bind({ statement: name, values: first!.values as never, valueMapper: prepareValue }, false);
      connection.describe({ type: 'P', name: '' }, false);
      connection.execute({ portal: '' }, false);
      for (const statement of rest) {
        connection.bind(
          { statement: statement.name, values: statement.values as never, valueMapper: prepareValue },
          false,
        );
        connection.execute({ portal: '' }, false);
      }
      if (this.brackets.commit) sendUnnamed(connection, 'COMMIT');
      connection.sync();
    } finally {
      connection.stream.uncork();
    }
  }

  handleCommandComplete(message: { text: string }, connection: Connection): void {
    const index = this.completions++;
    const firstIndex = this.brackets.begin ? 1 : 0;
    if (index < firstIndex) return; // BEGIN's
    if (index === firstIndex) return base.handleCommandComplete.call(this, message, connection);
    if (index < firstIndex + this.statements.length) return; // a later statement's: nothing reads it
    // COMMIT's: a transaction that had failed before answers ROLLBACK, and without an error
    if (message.text !== 'COMMIT') this.rolledBack = true;
  }

  handleReadyForQuery(connection: Connection): void {
    if (this.rolledBack) return base.handleError.call(this, new TransactionRolledBackError(), connection);
    base.handleReadyForQuery.call(this, connection);
  }
}

/** BEGIN or COMMIT as an unnamed statement: parsed, bound and run, with no row description asked for. */
function sendUnnamed(connection: Connection, text: 'BEGIN' | 'COMMIT'): void {
  connection.parse({ name: '', text, types: [] }, false);
  connection.bind({ statement: '' }, false);
  connection.execute({ portal: '' }, false);
}
