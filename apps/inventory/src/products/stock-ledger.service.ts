import { Injectable } from '@nestjs/common';
import { PedidoCriado } from '@loja/contracts';
import type { SqlTransaction } from '@loja/messaging';
import { ProductRepository } from './product.repository';

export interface StockChange {
  sku: string;
  /** Negative to take stock, positive to give it back. */
  delta: number;
}

/** The stock one transaction works with (see SqlTransaction.local). */
interface StockInTransaction {
  /** Every order the transaction reserves had its SKUs locked by the first call. */
  primed: boolean;
  /** Locked SKUs → stock available, with this transaction's changes applied. */
  available: Map<string, number>;
  /** Changes not written yet, summed per SKU. */
  unwritten: Map<string, number>;
}

/**
 * The stock a transaction reserves from and gives back to, set-based for a batch of events: the
 * product rows are locked once, in SKU order, for every order the batch reserves (so concurrent
 * batches, in this process or another replica, are decided one after the other and never deadlock
 * over their first lock); each event then decides in memory, seeing the changes of the events before
 * it, and all the changes are written in one statement just before COMMIT. They are not announced
 * here: ProductAnnouncer sends ProdutoAtualizado for the products changed, once per interval.
 */
@Injectable()
export class StockLedger {
  constructor(private readonly products: ProductRepository) {}

  /**
   * Stock available for `skus` as this transaction sees it, their rows locked until it ends. The first
   * call also locks the SKUs of every PedidoCriado the transaction handles; a later one locks only
   * SKUs not locked yet. An unknown SKU is absent from the map.
   */
  async available(tx: SqlTransaction, skus: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const stock = this.stockIn(tx);
    const wanted = new Set(skus);
    if (!stock.primed) {
      stock.primed = true;
      for (const event of tx.eventsHandled) {
        if (event.type === PedidoCriado.type) for (const line of event.data.lines) wanted.add(line.sku);
      }
    }
    const unlocked = [...wanted].filter((sku) => !stock.available.has(sku));
    if (unlocked.length > 0) {
      for (const [sku, available] of await this.products.lockStock(tx, unlocked)) stock.available.set(sku, available);
    }
    return stock.available;
  }

  /** Applies `changes` to SKUs `available` locked: seen at once by this transaction, written before COMMIT. */
  adjust(tx: SqlTransaction, changes: readonly StockChange[]): void {
    const stock = this.stockIn(tx);
    for (const { sku, delta } of changes) {
      const available = stock.available.get(sku);
      if (available === undefined) throw new Error(`stock of ${sku} changed without being locked first`);
      stock.available.set(sku, available + delta);
      stock.unwritten.set(sku, (stock.unwritten.get(sku) ?? 0) + delta);
    }
    tx.beforeCommit(STOCK_WRITE, () => this.write(tx, stock));
  }

  private async write(tx: SqlTransaction, stock: StockInTransaction): Promise<void> {
    const changes = [...stock.unwritten].map(([sku, delta]) => ({ sku, delta }));
    stock.unwritten.clear();
    if (changes.length > 0) await this.products.adjustStockMany(tx, changes);
  }

  private stockIn(tx: SqlTransaction): StockInTransaction {
    return tx.local<StockInTransaction>(STOCK_WRITE, () => ({
      primed: false,
      available: new Map(),
      unwritten: new Map(),
    }));
  }
}

const STOCK_WRITE = 'inventory.stock';
