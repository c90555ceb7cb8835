import { Injectable } from '@nestjs/common';
import { ProdutoAtualizado } from '@loja/contracts';
import { OutboxService, type OutboxMetadata } from '@loja/messaging';
import type { Product } from '../generated/prisma/client';
import type { Tx } from '../prisma/prisma.service';

/** Announces a product's new state (ProdutoAtualizado) in the transaction that changed it. */
@Injectable()
export class ProductChanges {
  constructor(private readonly outbox: OutboxService) {}

  async announce(tx: Tx, product: Product, metadata?: OutboxMetadata): Promise<void> {
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
  }
}
