import type { EventDefinition } from './define-event';
import { EstoqueIndisponivel } from './events/estoque-indisponivel';
import { EstoqueLiberado } from './events/estoque-liberado';
import { EstoqueReservado } from './events/estoque-reservado';
import { PagamentoAprovado } from './events/pagamento-aprovado';
import { PagamentoRejeitado } from './events/pagamento-rejeitado';
import { PedidoCancelado } from './events/pedido-cancelado';
import { PedidoCriado } from './events/pedido-criado';
import { PedidoEmPreparo } from './events/pedido-em-preparo';
import { PedidoEnviado } from './events/pedido-enviado';
import { ProdutoAtualizado } from './events/produto-atualizado';

/** Every event of the store; the parser and the JSON Schema files are built from this list. */
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
] as const satisfies readonly EventDefinition[];

export type AnyEventDefinition = (typeof ALL_EVENTS)[number];

const byTypeAndVersion = new Map<string, EventDefinition>(
  ALL_EVENTS.map((definition) => [`${definition.type}@${definition.version}`, definition]),
);

export function findEventDefinition(type: string, version: number): EventDefinition | undefined {
  return byTypeAndVersion.get(`${type}@${version}`);
}
