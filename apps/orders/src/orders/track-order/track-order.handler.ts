import { Injectable } from '@nestjs/common';
import {
  EstoqueIndisponivel,
  EstoqueLiberado,
  EstoqueReservado,
  PagamentoAprovado,
  PagamentoRejeitado,
  PedidoEmPreparo,
  PedidoEnviado,
  type EventOf,
} from '@loja/contracts';
import { HandleEvent } from '@loja/messaging';
import type { Tx } from '../../prisma/prisma.service';
import { TrackOrderService } from './track-order.service';

const queue = 'orders.track-order';

/** The saga's events for an order, one handler each; what they mean lives in order.ts. */
@Injectable()
export class TrackOrderOnSagaEvents {
  constructor(private readonly trackOrder: TrackOrderService) {}

  @HandleEvent(EstoqueReservado, { queue })
  onStockReserved(event: EventOf<typeof EstoqueReservado>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }

  @HandleEvent(EstoqueIndisponivel, { queue })
  onStockUnavailable(event: EventOf<typeof EstoqueIndisponivel>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }

  @HandleEvent(PagamentoAprovado, { queue })
  onPaymentApproved(event: EventOf<typeof PagamentoAprovado>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }

  @HandleEvent(PagamentoRejeitado, { queue })
  onPaymentRejected(event: EventOf<typeof PagamentoRejeitado>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }

  @HandleEvent(EstoqueLiberado, { queue })
  onStockReleased(event: EventOf<typeof EstoqueLiberado>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }

  @HandleEvent(PedidoEmPreparo, { queue })
  onPreparing(event: EventOf<typeof PedidoEmPreparo>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }

  @HandleEvent(PedidoEnviado, { queue })
  onShipped(event: EventOf<typeof PedidoEnviado>, tx: Tx): Promise<void> {
    return this.trackOrder.execute(event, tx);
  }
}
