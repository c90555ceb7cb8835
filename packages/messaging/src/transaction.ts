/**
 * What messaging needs from a service's Prisma client: interactive transactions and parameterised SQL.
 * Any generated PrismaClient satisfies it, so the outbox and inbox rows are written by the same
 * transaction as the service's own changes.
 */
export interface SqlExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export interface TransactionRunner {
  $transaction<R>(
    fn: (tx: any) => Promise<R>,
    options?: { maxWait?: number; timeout?: number; isolationLevel?: any },
  ): Promise<R>;
}

/** Limits for a handler's transaction: wait for a pooled connection under load rather than fail fast. */
export const HANDLER_TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 30_000 } as const;
