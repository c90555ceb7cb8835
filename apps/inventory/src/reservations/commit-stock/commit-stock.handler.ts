import { Injectable } from '@nestjs/common';
import { PagamentoAprovado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { CommitStockService } from './commit-stock.service';

/** PagamentoAprovado → the order's held stock leaves for good. */
@Injectable()
export class CommitStockOnPagamentoAprovado {
  constructor(private readonly commitStock: CommitStockService) {}

  @HandleEvent(PagamentoAprovado, { queue: 'inventory.commit-stock' })
  handle(event: EventOf<typeof PagamentoAprovado>, tx: SqlTransaction): Promise<void> {
    return this.commitStock.execute(tx, event);
  }
}
