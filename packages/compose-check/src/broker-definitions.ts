import { ALL_EVENTS, CONSUMER_QUEUES, EVENTS_EXCHANGE, routingKeysOf, type ConsumerQueueName } from '@loja/contracts';
import { consumerQueueArguments as messagingConsumerQueueArguments, deadLetterQueueArguments } from '@loja/messaging';
import { SERVICES, type Service } from './repo';

/**
 * The broker definitions of `docker compose up` (infra/rabbitmq/definitions.template.json), derived
 * from the contracts: the `loja` vhost, the events exchange, every consumer queue with the arguments
 * the services declare it with, its bindings and its DLQ, one user per service with least-privilege
 * permissions, and an admin for the management UI. `npm run definitions -w @loja/compose-check`
 * rewrites the file; a unit test fails when it is stale.
 */

export const VHOST = 'loja';
export const ADMIN_USER = 'admin';
/** The broker's own name for the default exchange in permission checks. */
export const DEFAULT_EXCHANGE = 'amq.default';
/** messaging's default MESSAGING_DELIVERY_LIMIT: the queues must be declared with the same value. */
export const DELIVERY_LIMIT = 20;

/**
 * The events each service publishes (through its outbox). Checked against the services' code: a
 * service publishing anything else would be refused by the broker.
 */
export const PUBLISHED_EVENTS: Record<Service, readonly string[]> = {
  orders: ['PedidoCriado', 'PedidoCancelado'],
  inventory: ['ProdutoAtualizado', 'EstoqueReservado', 'EstoqueIndisponivel', 'EstoqueLiberado'],
  payments: ['PagamentoAprovado', 'PagamentoRejeitado'],
  logistics: ['PedidoEmPreparo', 'PedidoEnviado'],
  notifications: [],
};

export const passwordVariable = (user: string) => `RABBITMQ_${user.toUpperCase()}_PASSWORD`;
export const deadLetterQueue = (queue: string) => `${queue}.dlq`;

export function consumerQueuesOf(service: Service): ConsumerQueueName[] {
  return (Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[]).filter((q) => q.startsWith(`${service}.`));
}

export function routingKeyOf(eventType: string): string {
  const definition = ALL_EVENTS.find((d) => d.type === eventType);
  if (!definition) throw new Error(`unknown event ${eventType}`);
  return definition.routingKey;
}

/** What one service does on the broker, by name: the resources its permissions must cover. */
export interface BrokerFootprint {
  /** Queues it declares: its consumer queues, their retry queues (any delay) and DLQs. */
  declares: (retryDelaysMs: number[]) => string[];
  exchanges: string[];
  consumes: string[];
  bindings: Array<{ queue: string; routingKey: string }>;
  /** Routing keys it publishes on the events exchange. */
  publishes: string[];
}

export function brokerFootprint(service: Service): BrokerFootprint {
  const queues = consumerQueuesOf(service);
  return {
    declares: (delays) =>
      queues.flatMap((q) => [q, deadLetterQueue(q), ...delays.map((delay) => `${q}.retry.${delay}ms`)]),
    exchanges: [EVENTS_EXCHANGE],
    consumes: queues,
    bindings: queues.flatMap((queue) =>
      [...new Set(routingKeysOf(queue))].map((routingKey) => ({ queue, routingKey })),
    ),
    publishes: PUBLISHED_EVENTS[service].map(routingKeyOf),
  };
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oneOf = (names: string[]) => (names.length === 1 ? escape(names[0]!) : `(${names.map(escape).join('|')})`);
const anchored = (alternatives: string[]) => (alternatives.length === 0 ? '^$' : `^(${alternatives.join('|')})$`);

export interface Permission {
  user: string;
  vhost: string;
  configure: string;
  write: string;
  read: string;
}

export interface TopicPermission {
  user: string;
  vhost: string;
  exchange: string;
  write: string;
  read: string;
}

/**
 * configure: the events exchange (services assert it) and its own queues with their `.retry.<n>ms`
 * and `.dlq` companions; write: the events exchange if it publishes, the default exchange (retry and
 * DLQ copies go through it) and its consumer queues (binding needs write on the queue); read: its
 * consumer queues and the events exchange (binding needs read on the exchange), and its retry queues:
 * the broker requires read on a queue declared with a dead-letter exchange.
 */
export function permissionOf(service: Service): Permission {
  const footprint = brokerFootprint(service);
  const ownQueues = footprint.consumes.map((q) => q.slice(service.length + 1));
  const queueGroup = ownQueues.length > 0 ? `${escape(service)}\\.${oneOf(ownQueues)}` : undefined;
  const exchange = escape(EVENTS_EXCHANGE);
  return {
    user: service,
    vhost: VHOST,
    configure: anchored([exchange, ...(queueGroup ? [`${queueGroup}(\\.retry\\.[0-9]+ms|\\.dlq)?`] : [])]),
    write: anchored([
      ...(footprint.publishes.length > 0 ? [exchange] : []),
      escape(DEFAULT_EXCHANGE),
      ...(queueGroup ? [queueGroup] : []),
    ]),
    read: anchored([exchange, ...(queueGroup ? [`${queueGroup}(\\.retry\\.[0-9]+ms)?`] : [])]),
  };
}

/** Routing keys on the events exchange: published ones (write) and bound ones (read). */
export function topicPermissionOf(service: Service): TopicPermission {
  const footprint = brokerFootprint(service);
  const bound = [...new Set(footprint.bindings.map((b) => b.routingKey))].sort();
  return {
    user: service,
    vhost: VHOST,
    exchange: EVENTS_EXCHANGE,
    write: anchored([...new Set(footprint.publishes)].sort().map(escape)),
    read: anchored(bound.map(escape)),
  };
}

/** The arguments messaging declares a consumer queue with, at the store's delivery limit. */
export const consumerQueueArguments = (queue: string): Record<string, unknown> =>
  messagingConsumerQueueArguments(queue, DELIVERY_LIMIT);

export { deadLetterQueueArguments };

export interface DefinitionsTemplate {
  users: Array<{ name: string; password_env: string; tags: string[] }>;
  vhosts: Array<Record<string, unknown>>;
  permissions: Permission[];
  topic_permissions: TopicPermission[];
  parameters: unknown[];
  global_parameters: unknown[];
  policies: unknown[];
  exchanges: Array<{
    name: string;
    vhost: string;
    type: string;
    durable: boolean;
    auto_delete: boolean;
    internal: boolean;
    arguments: Record<string, unknown>;
  }>;
  queues: Array<{
    name: string;
    vhost: string;
    durable: boolean;
    auto_delete: boolean;
    arguments: Record<string, unknown>;
  }>;
  bindings: Array<{
    source: string;
    vhost: string;
    destination: string;
    destination_type: 'queue';
    routing_key: string;
    arguments: Record<string, unknown>;
  }>;
}

export function buildDefinitionsTemplate(): DefinitionsTemplate {
  const description = 'Loja store: domain events between the five services';
  const queues = Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[];
  return {
    users: [
      { name: ADMIN_USER, password_env: passwordVariable(ADMIN_USER), tags: ['administrator'] },
      ...SERVICES.map((service) => ({ name: service, password_env: passwordVariable(service), tags: [] })),
    ],
    vhosts: [
      {
        name: VHOST,
        description,
        tags: [],
        default_queue_type: 'quorum',
        metadata: { description, tags: [], default_queue_type: 'quorum' },
      },
    ],
    permissions: [
      { user: ADMIN_USER, vhost: VHOST, configure: '.*', write: '.*', read: '.*' },
      ...SERVICES.map(permissionOf),
    ],
    topic_permissions: SERVICES.map(topicPermissionOf),
    parameters: [],
    global_parameters: [],
    policies: [],
    exchanges: [
      {
        name: EVENTS_EXCHANGE,
        vhost: VHOST,
        type: 'topic',
        durable: true,
        auto_delete: false,
        internal: false,
        arguments: {},
      },
    ],
    queues: queues.flatMap((queue) => [
      { name: queue, vhost: VHOST, durable: true, auto_delete: false, arguments: consumerQueueArguments(queue) },
      {
        name: deadLetterQueue(queue),
        vhost: VHOST,
        durable: true,
        auto_delete: false,
        arguments: deadLetterQueueArguments(),
      },
    ]),
    bindings: queues.flatMap((queue) =>
      [...new Set(routingKeysOf(queue))].map((routingKey) => ({
        source: EVENTS_EXCHANGE,
        vhost: VHOST,
        destination: queue,
        destination_type: 'queue' as const,
        routing_key: routingKey,
        arguments: {},
      })),
    ),
  };
}

/** Whether a RabbitMQ permission regex (matched unanchored, like the broker does) allows `name`. */
export function permits(regex: string, name: string): boolean {
  return regex !== '' && new RegExp(regex).test(name);
}
