import { EVERY_EVENT_VERSION, versionsOf, ALL_EVENTS } from './catalog';
import type { EventDefinition } from './define-event';
import { eventJsonSchemas } from './json-schema';
import { CONSUMER_QUEUES, EVENTS_EXCHANGE, PUBLISHED_EVENTS } from './topology';

/** Where the generated document is written; every service serves it at `GET /asyncapi.json`. */
export const ASYNCAPI_FILE = 'schemas/asyncapi.json';

const messageId = (d: Pick<EventDefinition, 'type' | 'version'>) => `${d.type}.v${d.version}`;
const ref = (path: string) => ({ $ref: `#/${path}` });
const latestOf = (type: string) => ALL_EVENTS.find((d) => d.type === type)!;

/** The AMQP headers messaging puts on every message (packages/messaging, `Headers`). */
const MESSAGE_HEADERS = {
  type: 'object',
  properties: {
    traceparent: {
      type: 'string',
      description: 'W3C trace context; the trace id is the order id without dashes',
      pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
    },
    'x-loja-event-version': { type: 'integer', minimum: 1, description: "The envelope's version" },
    'x-loja-attempt': { type: 'integer', minimum: 2, description: 'Delivery number of a retried copy' },
  },
  required: ['traceparent', 'x-loja-event-version'],
};

/**
 * The AsyncAPI 3 document of the store, generated from the contracts: one channel per routing key on
 * the `loja.events` topic exchange (what producers send to) and one per consumer queue (what services
 * receive from), every version of every event as a message with its envelope's JSON Schema as payload
 * and messaging's headers, a send operation per service and event (PUBLISHED_EVENTS) and a receive
 * operation per queue (CONSUMER_QUEUES).
 */
export function asyncApiDocument(): Record<string, unknown> {
  const schemas = eventJsonSchemas();
  const messages = Object.fromEntries(
    EVERY_EVENT_VERSION.map((d) => {
      const { $schema: _dialect, ...payload } = schemas[messageId(d)] as Record<string, unknown>;
      return [
        messageId(d),
        {
          name: d.type,
          title: `${d.type} v${d.version}`,
          contentType: 'application/json',
          correlationId: { location: '$message.payload#/correlationId' },
          headers: MESSAGE_HEADERS,
          payload,
          bindings: { amqp: { contentEncoding: 'utf-8', messageType: d.type, bindingVersion: '0.3.0' } },
        },
      ];
    }),
  );
  const versionsOfType = (type: string) => versionsOf(latestOf(type));
  const eventChannels = Object.fromEntries(
    ALL_EVENTS.map((d) => [
      d.routingKey,
      {
        address: d.routingKey,
        title: `${d.type} on ${EVENTS_EXCHANGE}`,
        messages: Object.fromEntries(
          versionsOf(d).map((v) => [messageId(v), ref(`components/messages/${messageId(v)}`)]),
        ),
        bindings: {
          amqp: {
            is: 'routingKey',
            exchange: { name: EVENTS_EXCHANGE, type: 'topic', durable: true, autoDelete: false, vhost: 'loja' },
            bindingVersion: '0.3.0',
          },
        },
      },
    ]),
  );
  const queueChannels = Object.fromEntries(
    Object.entries(CONSUMER_QUEUES).map(([queue, types]) => [
      queue,
      {
        address: queue,
        title: `queue ${queue}`,
        description: `Bound to ${EVENTS_EXCHANGE} with ${types.map((t) => latestOf(t).routingKey).join(', ')}; failures go to ${queue}.dlq`,
        messages: Object.fromEntries(
          types
            .flatMap((t) => versionsOfType(t))
            .map((v) => [messageId(v), ref(`components/messages/${messageId(v)}`)]),
        ),
        bindings: {
          amqp: {
            is: 'queue',
            queue: { name: queue, durable: true, exclusive: false, autoDelete: false, vhost: 'loja' },
            bindingVersion: '0.3.0',
          },
        },
      },
    ]),
  );
  const sends = Object.entries(PUBLISHED_EVENTS).flatMap(([service, types]) =>
    (types as readonly string[]).map((type) => {
      const definition = latestOf(type);
      return [
        `${service}.send.${type}`,
        {
          action: 'send',
          title: `${service} publishes ${type}`,
          description: 'Through its transactional outbox; the version is set by PUBLISH_EVENT_VERSIONS (ADR 0008).',
          channel: ref(`channels/${definition.routingKey}`),
          messages: versionsOf(definition).map((v) =>
            ref(`channels/${definition.routingKey}/messages/${messageId(v)}`),
          ),
        },
      ];
    }),
  );
  const receives = Object.entries(CONSUMER_QUEUES).map(([queue, types]) => [
    `${queue}.receive`,
    {
      action: 'receive',
      title: `${queue.split('.')[0]} consumes ${queue}`,
      channel: ref(`channels/${queue}`),
      messages: types.flatMap((t) => versionsOfType(t)).map((v) => ref(`channels/${queue}/messages/${messageId(v)}`)),
    },
  ]);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Loja domain events',
      version: '1.0.0',
      description:
        'Every event of the store on the loja.events topic exchange, generated from @loja/contracts. Consumers read every version of an event; producers publish the one they are configured to (ADR 0008).',
    },
    defaultContentType: 'application/json',
    servers: {
      rabbitmq: {
        host: 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        pathname: '/loja',
        description: 'The store broker; the vhost is the store namespace (loja by default)',
      },
    },
    channels: { ...eventChannels, ...queueChannels },
    operations: Object.fromEntries([...sends, ...receives]),
    components: { messages },
  };
}

/** The generated file's text: stable order and a trailing newline, so a diff shows real changes only. */
export function renderAsyncApi(): string {
  return `${JSON.stringify(asyncApiDocument(), null, 2)}\n`;
}
