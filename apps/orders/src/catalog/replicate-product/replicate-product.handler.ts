import { Injectable, Logger } from '@nestjs/common';
import { ProdutoAtualizado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { CatalogRepository } from '../catalog.repository';

/** ProdutoAtualizado → the replica Orders prices orders from; stale revisions are ignored. */
@Injectable()
export class ReplicateProductOnProdutoAtualizado {
  private readonly logger = new Logger(ReplicateProductOnProdutoAtualizado.name);

  constructor(private readonly catalog: CatalogRepository) {}

  @HandleEvent(ProdutoAtualizado, { queue: 'orders.catalog-replica' })
  async handle(event: EventOf<typeof ProdutoAtualizado>, tx: SqlTransaction): Promise<void> {
    const applied = await this.catalog.upsertIfNewer(tx, event.data);
    if (!applied) {
      this.logger.debug({ msg: 'stale product update ignored', eventId: event.id, sku: event.data.sku });
    }
  }
}
