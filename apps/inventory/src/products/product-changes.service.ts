import { Injectable } from '@nestjs/common';
import { ProdutoAtualizado } from '@loja/contracts';
import { OutboxService, type OutboxMetadata, type SqlTransaction } from '@loja/messaging';
import type { ProductRecord } from './product.repository';

/**
 * Announces a product's new state (ProdutoAtualizado) in the transaction that changed it: once per
 * product per transaction, with its state at commit, however many changes the transaction made (a
 * batch of reservations touching one SKU forty times sends one event, not forty).
 */
@Injectable()
export class ProductChanges {
  constructor(private readonly outbox: OutboxService) {}

  announce(tx: SqlTransaction, product: ProductRecord, metadata?: OutboxMetadata): void {
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
        metadata ?? { correlationId: product.sku },
      );
    });
  }
}
