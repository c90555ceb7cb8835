import { Injectable } from '@nestjs/common';
import {
  CancelamentoAceito,
  CancelamentoRecusado,
  EstoqueIndisponivel,
  EstoqueLiberado,
  EstoqueReservado,
  PagamentoAprovado,
  PagamentoCancelado,
  PagamentoEstornado,
  PagamentoRejeitado,
  PedidoEmPreparo,
  PedidoEnviado,
  type EventOf,
} from '@loja/contracts';
import { HandleEvent, type SqlTransaction } from '@loja/messaging';
import { TrackOrderService } from './track-order.service';

const queue = 'orders.track-order';

/** The saga's events for an order, one handler each; what they mean lives in order.ts. */
@Injectable()
export class TrackOrderOnSagaEvents {
  constructor(private readonly trackOrder: TrackOrderService) {}

  @HandleEvent(EstoqueReservado, { queue })
  onStockReserved(event: EventOf<typeof EstoqueReservado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(EstoqueIndisponivel, { queue })
  onStockUnavailable(event: EventOf<typeof EstoqueIndisponivel>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(PagamentoAprovado, { queue })
  onPaymentApproved(event: EventOf<typeof PagamentoAprovado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(PagamentoRejeitado, { queue })
  onPaymentRejected(event: EventOf<typeof PagamentoRejeitado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(EstoqueLiberado, { queue })
  onStockReleased(event: EventOf<typeof EstoqueLiberado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(PedidoEmPreparo, { queue })
  onPreparing(event: EventOf<typeof PedidoEmPreparo>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(PedidoEnviado, { queue })
  onShipped(event: EventOf<typeof PedidoEnviado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(CancelamentoAceito, { queue })
  onCancellationAccepted(event: EventOf<typeof CancelamentoAceito>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(CancelamentoRecusado, { queue })
  onCancellationRefused(event: EventOf<typeof CancelamentoRecusado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(PagamentoEstornado, { queue })
  onRefunded(event: EventOf<typeof PagamentoEstornado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }

  @HandleEvent(PagamentoCancelado, { queue })
  onChargeCancelled(event: EventOf<typeof PagamentoCancelado>, tx: SqlTransaction): Promise<void> {
    return this.trackOrder.execute(tx, event);
  }
}
