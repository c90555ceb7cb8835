import { Injectable } from '@nestjs/common';
import { ProdutoAtualizado } from '@loja/contracts';
import { OutboxService, type SqlTransaction } from '@loja/messaging';
import type { ProductRecord } from './product.repository';

/**
 * Announces a product's state (ProdutoAtualizado) in the transaction that recorded it as announced:
 * a restock, the seeding, or ProductAnnouncer's run for the stock the saga moved. Once per product
 * per transaction, with the last state given.
 */
@Injectable()
export class ProductChanges {
  constructor(private readonly outbox: OutboxService) {}

  announce(tx: SqlTransaction, product: ProductRecord): void {
    tx.beforeCommit(`ProdutoAtualizado:${product.sku}`, async () => {
      await this.outbox.add(
        tx,
        ProdutoAtualizado,
        {
          sku: product.sku,
          name: product.name,
          priceCents: product.priceCents,
          currency: 'BRL',
          stockAvailable: product.stockAvailable,
          revision: product.revision,
        },
        { correlationId: product.sku },
      );
    });
  }
}
