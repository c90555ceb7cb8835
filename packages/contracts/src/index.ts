export {
  defineEvent,
  defineNextVersion,
  type DataOf,
  type EventDefinition,
  type EventOf,
  type PreviousVersion,
} from './define-event';
export { AnyEnvelope, ServiceName } from './envelope';
export {
  ALL_EVENTS,
  EVERY_EVENT_VERSION,
  findEventDefinition,
  latestEventDefinition,
  versionsOf,
  type AnyEventDefinition,
} from './catalog';
export { publishedVersion, upcastToLatest, type PublishedVersion } from './versions';
export { createEvent, type EventMetadata } from './create-event';
export { orderIdOf, parseEvent, type AnyEvent } from './parse-event';
export { InvalidEventError, type FieldIssue, type InvalidEventReason } from './invalid-event.error';
export { eventJsonSchemas, renderEventJsonSchemas, JSON_SCHEMA_FILE } from './json-schema';
export * from './values';
export { ProdutoAtualizado } from './events/produto-atualizado';
export { PedidoCriado, PedidoCriadoV1 } from './events/pedido-criado';
export { EstoqueReservado } from './events/estoque-reservado';
export { EstoqueIndisponivel } from './events/estoque-indisponivel';
export { EstoqueLiberado } from './events/estoque-liberado';
export { PagamentoAprovado } from './events/pagamento-aprovado';
export { PagamentoRejeitado } from './events/pagamento-rejeitado';
export { PedidoCancelado } from './events/pedido-cancelado';
export { PedidoEmPreparo } from './events/pedido-em-preparo';
export { PedidoEnviado } from './events/pedido-enviado';
export { CancelamentoSolicitado } from './events/cancelamento-solicitado';
export { CancelamentoAceito } from './events/cancelamento-aceito';
export { CancelamentoRecusado } from './events/cancelamento-recusado';
export { PagamentoEstornado } from './events/pagamento-estornado';
export { PagamentoCancelado } from './events/pagamento-cancelado';
export { CONSUMER_QUEUES, EVENTS_EXCHANGE, PUBLISHED_EVENTS, routingKeysOf, type ConsumerQueueName } from './topology';
export { asyncApiDocument, renderAsyncApi, ASYNCAPI_FILE } from './asyncapi';
