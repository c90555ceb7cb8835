import { ALL_EVENTS } from './catalog';
import type { ServiceName } from './envelope';

/**
 * Every consumer queue of the store and the events it takes. Services declare their own queues when
 * they start; this list lets the store (and compose's broker definitions) declare them all *before*
 * any service publishes, so an event published while its consumer is still starting is never dropped.
 * Each service's handlers are checked against it by that service's tests.
 */
export const CONSUMER_QUEUES = {
  'orders.catalog-replica': ['ProdutoAtualizado'],
  'orders.track-order': [
    'EstoqueReservado',
    'EstoqueIndisponivel',
    'PagamentoAprovado',
    'PagamentoRejeitado',
    'EstoqueLiberado',
    'PedidoEmPreparo',
    'PedidoEnviado',
    'CancelamentoAceito',
    'CancelamentoRecusado',
    'PagamentoEstornado',
    'PagamentoCancelado',
  ],
  'inventory.reserve-stock': ['PedidoCriado'],
  'inventory.commit-stock': ['PagamentoAprovado'],
  'inventory.release-stock': ['PagamentoRejeitado', 'PedidoCancelado'],
  'payments.record-payment-details': ['PedidoCriado'],
  'payments.charge-order': ['EstoqueReservado'],
  'payments.refund-payment': ['PedidoCancelado'],
  'logistics.record-shipping-address': ['PedidoCriado'],
  'logistics.prepare-shipment': ['PagamentoAprovado'],
  'logistics.decide-cancellation': ['CancelamentoSolicitado'],
  'notifications.email-customer': [
    'PedidoCriado',
    'PagamentoAprovado',
    'PedidoEnviado',
    'PedidoCancelado',
    'CancelamentoRecusado',
    'PagamentoEstornado',
    'PagamentoCancelado',
  ],
} as const satisfies Record<string, ReadonlyArray<(typeof ALL_EVENTS)[number]['type']>>;

export type ConsumerQueueName = keyof typeof CONSUMER_QUEUES;

/**
 * The events each service publishes (through its outbox), in one place: compose's broker permissions
 * and the AsyncAPI document's send operations come from it, and compose-check's tests hold it against
 * each service's code.
 */
export const PUBLISHED_EVENTS = {
  orders: ['PedidoCriado', 'PedidoCancelado', 'CancelamentoSolicitado'],
  inventory: ['ProdutoAtualizado', 'EstoqueReservado', 'EstoqueIndisponivel', 'EstoqueLiberado'],
  payments: ['PagamentoAprovado', 'PagamentoRejeitado', 'PagamentoEstornado', 'PagamentoCancelado'],
  logistics: ['PedidoEmPreparo', 'PedidoEnviado', 'CancelamentoAceito', 'CancelamentoRecusado'],
  notifications: [],
} as const satisfies Record<ServiceName, ReadonlyArray<(typeof ALL_EVENTS)[number]['type']>>;

/** The routing keys a queue is bound with, from the events it takes. */
export function routingKeysOf(queue: ConsumerQueueName): string[] {
  return CONSUMER_QUEUES[queue].map((type) => {
    const definition = ALL_EVENTS.find((d) => d.type === type);
    if (!definition) throw new Error(`unknown event ${type}`);
    return definition.routingKey;
  });
}

/** The topic exchange of domain events. */
export const EVENTS_EXCHANGE = 'loja.events';
