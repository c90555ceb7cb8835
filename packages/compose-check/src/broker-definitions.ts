import {
  ALL_EVENTS,
  CONSUMER_QUEUES,
  EVENTS_EXCHANGE,
  PUBLISHED_EVENTS as CONTRACT_PUBLISHED_EVENTS,
  routingKeysOf,
  type ConsumerQueueName,
} from '@loja/contracts';
import {
  DEFAULT_QUEUE_MAX_LENGTH,
  REQUEUE_EXCHANGE,
  RETRY_EXCHANGE,
  consumerQueueArguments as messagingConsumerQueueArguments,
  deadLetterQueueArguments,
  defaultRetryDelaysMs,
  requeueBindingKey,
  retryQueueArguments,
  retryQueueBindingKey,
  retryQueueName,
  retryRoutingKey,
} from '@loja/messaging';
import { SERVICES, type Service } from './repo';

/**
 * The broker definitions of `docker compose up` (infra/rabbitmq/definitions.template.json), derived
 * from the contracts: the `loja` vhost, the events exchange, every consumer queue with the arguments
 * the services declare it with, its bindings and its DLQ, the shared retry topology (`loja.retry`,
 * `loja.requeue`, one delay queue per default delay), one user per service with least-privilege
 * permissions, and an admin for the management UI. `npm run definitions -w @loja/compose-check`
 * rewrites the file; a unit test fails when it is stale.
 */

export const VHOST = 'loja';
export const ADMIN_USER = 'admin';
/** The broker's own name for the default exchange in permission checks. */
export const DEFAULT_EXCHANGE = 'amq.default';
/** messaging's default MESSAGING_DELIVERY_LIMIT: the queues must be declared with the same value. */
export const DELIVERY_LIMIT = 20;
/** messaging's default MESSAGING_QUEUE_MAX_LENGTH: likewise. */
export const QUEUE_MAX_LENGTH = DEFAULT_QUEUE_MAX_LENGTH;
/** The delay queues of messaging's default retry policy (a service declares those of its own policy). */
export const RETRY_DELAYS_MS = defaultRetryDelaysMs();
/** The exchanges every service declares. */
export const EXCHANGES = [EVENTS_EXCHANGE, RETRY_EXCHANGE, REQUEUE_EXCHANGE];

/** The events each service publishes: the contracts' list, checked against the services' code by the tests. */
export const PUBLISHED_EVENTS: Record<Service, readonly string[]> = CONTRACT_PUBLISHED_EVENTS;

/**
 * Orders serves the flow page, which reads queue depths and rates from the management API: its user
 * has the `management` tag, which shows it the vhosts it has permissions on (loja) and nothing else.
 */
export const FLOW_PAGE_SERVICE: Service = 'orders';

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

/** A binding, by name: `queue` receives what `exchange` routes by `routingKey`. */
export interface Binding {
  exchange: string;
  queue: string;
  routingKey: string;
}

/** What one service does on the broker, by name: the resources its permissions must cover. */
export interface BrokerFootprint {
  /** Its own queues: consumer queues and their DLQs. */
  ownQueues: string[];
  /** Every queue it declares: its own, and the shared delay queues of its retry policy (any delay). */
  declares: (retryDelaysMs: readonly number[]) => string[];
  exchanges: string[];
  consumes: string[];
  /** Its consumer queues' bindings (events by routing key, retries back from loja.requeue). */
  bindings: Binding[];
  /** The shared delay queues' bindings to loja.retry, which every service declares too. */
  retryBindings: (retryDelaysMs: readonly number[]) => Binding[];
  /** Routing keys it publishes on the events exchange. */
  publishes: string[];
  /** Routing keys of the retry copies it publishes on loja.retry: its own queues', at any delay. */
  retries: (retryDelaysMs: readonly number[]) => string[];
}

/** A consumer queue's bindings: its events by routing key, and its retries back from loja.requeue. */
export function consumerQueueBindings(queue: ConsumerQueueName): Binding[] {
  return [
    ...[...new Set(routingKeysOf(queue))].map((routingKey) => ({ exchange: EVENTS_EXCHANGE, queue, routingKey })),
    { exchange: REQUEUE_EXCHANGE, queue, routingKey: requeueBindingKey(queue) },
  ];
}

/** The shared delay queues' bindings to loja.retry. */
export function retryQueueBindings(delays: readonly number[]): Binding[] {
  return delays.map((delay) => ({
    exchange: RETRY_EXCHANGE,
    queue: retryQueueName(delay),
    routingKey: retryQueueBindingKey(delay),
  }));
}

export function brokerFootprint(service: Service): BrokerFootprint {
  const queues = consumerQueuesOf(service);
  const ownQueues = queues.flatMap((q) => [q, deadLetterQueue(q)]);
  return {
    ownQueues,
    declares: (delays) => [...ownQueues, ...delays.map(retryQueueName)],
    exchanges: EXCHANGES,
    consumes: queues,
    bindings: queues.flatMap(consumerQueueBindings),
    retryBindings: retryQueueBindings,
    publishes: PUBLISHED_EVENTS[service].map(routingKeyOf),
    retries: (delays) => queues.flatMap((queue) => delays.map((delay) => retryRoutingKey(queue, delay))),
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

/** `loja.retry.<n>ms`: the shared delay queues, whatever the delay. */
const DELAY_QUEUES = `${escape(RETRY_EXCHANGE)}\\.[0-9]+ms`;

/**
 * configure: the three exchanges and the shared delay queues (every service declares them on
 * connect), its own queues and their `.dlq`; write: the events exchange if it publishes, the default
 * exchange (DLQ copies go through it), loja.retry (retry copies), loja.requeue (the delay queues'
 * dead-letter exchange: declaring a queue with one needs write on it), its consumer queues and the delay
 * queues (binding needs write on the queue); read: the three exchanges (binding needs read on the
 * source), its consumer queues (consuming), and the delay queues: the broker requires read on a queue
 * declared with a dead-letter exchange. Topic permissions narrow the routing keys (topicPermissionsOf).
 */
export function permissionOf(service: Service): Permission {
  const footprint = brokerFootprint(service);
  const ownQueues = footprint.consumes.map((q) => q.slice(service.length + 1));
  const queueGroup = ownQueues.length > 0 ? `${escape(service)}\\.${oneOf(ownQueues)}` : undefined;
  const [events, retry, requeue] = EXCHANGES.map(escape) as [string, string, string];
  return {
    user: service,
    vhost: VHOST,
    configure: anchored([events, retry, requeue, DELAY_QUEUES, ...(queueGroup ? [`${queueGroup}(\\.dlq)?`] : [])]),
    write: anchored([
      ...(footprint.publishes.length > 0 ? [events] : []),
      escape(DEFAULT_EXCHANGE),
      retry,
      requeue,
      DELAY_QUEUES,
      ...(queueGroup ? [queueGroup] : []),
    ]),
    read: anchored([events, retry, requeue, DELAY_QUEUES, ...(queueGroup ? [queueGroup] : [])]),
  };
}

/**
 * Routing keys per exchange. loja.events: the events it publishes (write) and those its queues take
 * (read, binding). loja.retry: retry copies of its own queues only (write), the delay queues' `<n>ms.#`
 * (read). loja.requeue: nothing to publish (the broker dead-letters into it), and only its own queues'
 * `*.<queue>` to bind, so no service can catch another's retries.
 */
export function topicPermissionsOf(service: Service): TopicPermission[] {
  const footprint = brokerFootprint(service);
  const bound = (exchange: string) =>
    [...new Set(footprint.bindings.filter((b) => b.exchange === exchange).map((b) => b.routingKey))].sort();
  const anyDelay = '[0-9]+ms';
  return [
    {
      user: service,
      vhost: VHOST,
      exchange: EVENTS_EXCHANGE,
      write: anchored([...new Set(footprint.publishes)].sort().map(escape)),
      read: anchored(bound(EVENTS_EXCHANGE).map(escape)),
    },
    {
      user: service,
      vhost: VHOST,
      exchange: RETRY_EXCHANGE,
      write: footprint.consumes.length > 0 ? `^${anyDelay}\\.${oneOf(footprint.consumes)}$` : '^$',
      read: `^${anyDelay}\\.#$`,
    },
    {
      user: service,
      vhost: VHOST,
      exchange: REQUEUE_EXCHANGE,
      write: '^$',
      read: anchored(bound(REQUEUE_EXCHANGE).map(escape)),
    },
  ];
}

/** The arguments messaging declares a consumer queue with, at the store's delivery limit and length. */
export const consumerQueueArguments = (queue: string): Record<string, unknown> =>
  messagingConsumerQueueArguments(queue, DELIVERY_LIMIT, { maxLength: QUEUE_MAX_LENGTH });

export { deadLetterQueueArguments, retryQueueArguments };

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
      ...SERVICES.map((service) => ({
        name: service,
        password_env: passwordVariable(service),
        tags: service === FLOW_PAGE_SERVICE ? ['management'] : [],
      })),
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
    topic_permissions: SERVICES.flatMap(topicPermissionsOf),
    parameters: [],
    global_parameters: [],
    policies: [],
    exchanges: [...EXCHANGES].sort().map((name) => ({
      name,
      vhost: VHOST,
      type: 'topic',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
    queues: [
      ...queues.flatMap((queue) => [
        { name: queue, vhost: VHOST, durable: true, auto_delete: false, arguments: consumerQueueArguments(queue) },
        {
          name: deadLetterQueue(queue),
          vhost: VHOST,
          durable: true,
          auto_delete: false,
          arguments: deadLetterQueueArguments(),
        },
      ]),
      ...RETRY_DELAYS_MS.map((delay) => ({
        name: retryQueueName(delay),
        vhost: VHOST,
        durable: true,
        auto_delete: false,
        arguments: retryQueueArguments(delay),
      })),
    ],
    bindings: [...queues.flatMap(consumerQueueBindings), ...retryQueueBindings(RETRY_DELAYS_MS)].map(
      ({ exchange, queue, routingKey }) => ({
        source: exchange,
        vhost: VHOST,
        destination: queue,
        destination_type: 'queue' as const,
        routing_key: routingKey,
        arguments: {},
      }),
    ),
  };
}

/** Whether a RabbitMQ permission regex (matched unanchored, like the broker does) allows `name`. */
export function permits(regex: string, name: string): boolean {
  return regex !== '' && new RegExp(regex).test(name);
}
