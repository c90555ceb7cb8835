import { Injectable } from '@nestjs/common';
import { Database, type SqlTransaction } from '@loja/messaging';

/** A product of the catalogue with its stock, as Inventory announces it. */
export interface ProductRecord {
  sku: string;
  name: string;
  priceCents: number;
  stockAvailable: number;
  /** Bumped on every change; replicas ignore an update older than what they hold. */
  revision: number;
}

interface ProductRow {
  sku: string;
  name: string;
  price_cents: number;
  stock_available: number;
  revision: number;
}

const toRecord = (row: ProductRow): ProductRecord => ({
  sku: row.sku,
  name: row.name,
  priceCents: row.price_cents,
  stockAvailable: row.stock_available,
  revision: row.revision,
});

const COLUMNS = 'sku, name, price_cents, stock_available, revision';

/** The only place that reads and writes products. */
@Injectable()
export class ProductRepository {
  constructor(private readonly database: Database) {}

  async list(): Promise<Array<ProductRecord & { updatedAt: Date }>> {
    const rows = await this.database.query<ProductRow & { updated_at: Date }>(
      `SELECT ${COLUMNS}, updated_at FROM product ORDER BY sku`,
    );
    return rows.map((row) => ({ ...toRecord(row), updatedAt: row.updated_at }));
  }

  /**
   * Inserts a product unless its SKU exists; returns it only if this call inserted it. Its caller
   * announces it in the same transaction, so it is inserted as announced.
   */
  async insertIfAbsent(
    tx: SqlTransaction,
    product: Omit<ProductRecord, 'revision'>,
  ): Promise<ProductRecord | undefined> {
    const rows = await tx.query<ProductRow>(
      `INSERT INTO product (sku, name, price_cents, stock_available, revision, announced_revision, updated_at)
       VALUES ($1, $2, $3, $4, 1, 1, now()) ON CONFLICT (sku) DO NOTHING RETURNING ${COLUMNS}`,
      [product.sku, product.name, product.priceCents, product.stockAvailable],
    );
    return rows[0] && toRecord(rows[0]);
  }

  /**
   * Available stock of `skus`, with their rows locked until the transaction ends (in SKU order, so
   * two reservations never deadlock): concurrent reservations of the same SKU, from any number of
   * inventory processes, run one after the other.
   */
  async lockStock(tx: SqlTransaction, skus: string[]): Promise<Map<string, number>> {
    const rows = await tx.query<{ sku: string; stock_available: number }>(
      'SELECT sku, stock_available FROM product WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE',
      [[...skus].sort()],
    );
    return new Map(rows.map((row) => [row.sku, row.stock_available]));
  }

  /**
   * Adds each `delta` (negative to take) to its product's stock and bumps its revision, in one
   * statement sent with COMMIT: every SKU was locked by `lockStock` in this transaction (StockLedger
   * adjusts no other), so each row is there to update, and nothing in the transaction reads it back.
   * The change is not announced here: the products are left behind their announced revision, for
   * ProductAnnouncer.
   */
  async adjustStockMany(tx: SqlTransaction, changes: ReadonlyArray<{ sku: string; delta: number }>): Promise<void> {
    await tx.executeAtCommit(
      `UPDATE product p SET stock_available = p.stock_available + c.delta, revision = p.revision + 1,
              updated_at = now()
       FROM unnest($1::text[], $2::int[]) AS c(sku, delta)
       WHERE p.sku = c.sku`,
      [changes.map((change) => change.sku), changes.map((change) => change.delta)],
    );
  }

  /**
   * Adds `delta` (negative to take) to a product's stock and bumps its revision, for a caller that
   * announces the product in the same transaction: the new revision is recorded as announced.
   */
  async adjustStockAndAnnounce(tx: SqlTransaction, sku: string, delta: number): Promise<ProductRecord> {
    const rows = await tx.query<ProductRow>(
      `UPDATE product SET stock_available = stock_available + $2, revision = revision + 1,
              announced_revision = revision + 1, updated_at = now()
       WHERE sku = $1 RETURNING ${COLUMNS}`,
      [sku, delta],
    );
    if (!rows[0]) throw new Error(`no product ${sku}`);
    return toRecord(rows[0]);
  }

  /**
   * The products changed since they were last announced, as they are now, recorded as announced
   * (the caller announces them in this transaction). Their rows are locked in SKU order, as
   * reservations lock them, so this waits for a reservation in progress and never deadlocks with one;
   * a second announcer that waited finds them announced and takes nothing.
   *
   * It reads the whole table, once per announcer interval: small for a catalogue. An index on the
   * condition would make every stock change a non-HOT update instead.
   */
  async claimUnannounced(tx: SqlTransaction): Promise<ProductRecord[]> {
    const rows = await tx.query<ProductRow>(
      `UPDATE product SET announced_revision = revision
       WHERE sku IN (SELECT sku FROM product WHERE revision > announced_revision ORDER BY sku FOR UPDATE)
         AND revision > announced_revision
       RETURNING ${COLUMNS}`,
    );
    return rows.map(toRecord);
  }
}
