import type { EventDefinition } from './define-event';
import { CancelamentoAceito } from './events/cancelamento-aceito';
import { CancelamentoRecusado } from './events/cancelamento-recusado';
import { CancelamentoSolicitado } from './events/cancelamento-solicitado';
import { EstoqueIndisponivel } from './events/estoque-indisponivel';
import { EstoqueLiberado } from './events/estoque-liberado';
import { EstoqueReservado } from './events/estoque-reservado';
import { PagamentoAprovado } from './events/pagamento-aprovado';
import { PagamentoCancelado } from './events/pagamento-cancelado';
import { PagamentoEstornado } from './events/pagamento-estornado';
import { PagamentoRejeitado } from './events/pagamento-rejeitado';
import { PedidoCancelado } from './events/pedido-cancelado';
import { PedidoCriado } from './events/pedido-criado';
import { PedidoEmPreparo } from './events/pedido-em-preparo';
import { PedidoEnviado } from './events/pedido-enviado';
import { ProdutoAtualizado } from './events/produto-atualizado';

/**
 * Every event of the store, each in its latest version: what handlers receive and producers build.
 * Earlier versions are reached through `previous` (see EVERY_EVENT_VERSION); a new event is one line here.
 */
export const ALL_EVENTS = [
  ProdutoAtualizado,
  PedidoCriado,
  EstoqueReservado,
  EstoqueIndisponivel,
  PagamentoAprovado,
  PagamentoRejeitado,
  EstoqueLiberado,
  PedidoCancelado,
  PedidoEmPreparo,
  PedidoEnviado,
  CancelamentoSolicitado,
  CancelamentoAceito,
  CancelamentoRecusado,
  PagamentoEstornado,
  PagamentoCancelado,
] as const satisfies readonly EventDefinition[];

export type AnyEventDefinition = (typeof ALL_EVENTS)[number];

/** The versions of one event, oldest first, down the `previous` links of its latest definition. */
export function versionsOf(latest: EventDefinition): EventDefinition[] {
  const versions: EventDefinition[] = [];
  for (let d: EventDefinition | undefined = latest; d; d = d.previous?.definition) versions.unshift(d);
  return versions;
}

/** Every version of every event the store reads: the parser, the JSON Schemas and the baseline. */
export const EVERY_EVENT_VERSION: readonly EventDefinition[] = ALL_EVENTS.flatMap(versionsOf);

const key = (type: string, version: number) => `${type}@${version}`;

const byTypeAndVersion = new Map<string, EventDefinition>(
  EVERY_EVENT_VERSION.map((definition) => [key(definition.type, definition.version), definition]),
);

const latestByType = new Map<string, EventDefinition>(ALL_EVENTS.map((definition) => [definition.type, definition]));

export function findEventDefinition(type: string, version: number): EventDefinition | undefined {
  return byTypeAndVersion.get(key(type, version));
}

/** The latest version's definition of an event type. */
export function latestEventDefinition(type: string): EventDefinition | undefined {
  return latestByType.get(type);
}
