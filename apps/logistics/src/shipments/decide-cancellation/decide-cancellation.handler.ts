import { Injectable } from '@nestjs/common';
import { CancelamentoSolicitado, type EventOf } from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { DecideCancellationService } from './decide-cancellation.service';

/** CancelamentoSolicitado → stop the shipment and accept, or refuse because the parcel has left. */
@Injectable()
export class DecideCancellationOnCancelamentoSolicitado {
  constructor(private readonly decideCancellation: DecideCancellationService) {}

  @HandleEvent(CancelamentoSolicitado, { queue: 'logistics.decide-cancellation' })
  handle(event: EventOf<typeof CancelamentoSolicitado>, tx: SqlTransaction): Promise<void> {
    return this.decideCancellation.execute(tx, event);
  }
}
