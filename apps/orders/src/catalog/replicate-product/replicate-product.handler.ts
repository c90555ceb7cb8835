import { Injectable } from '@nestjs/common';
import { ProdutoAtualizado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { CatalogRepository } from '../catalog.repository';

/** ProdutoAtualizado → the replica Orders prices orders from; stale revisions are ignored. */
@Injectable()
export class ReplicateProductOnProdutoAtualizado {
  constructor(private readonly catalog: CatalogRepository) {}

  @HandleEvent(ProdutoAtualizado, { queue: 'orders.catalog-replica' })
  handle(event: EventOf<typeof ProdutoAtualizado>, tx: SqlTransaction): Promise<void> {
    this.catalog.replicate(tx, event.data);
    return Promise.resolve();
  }
}
