import { CONSUMER_QUEUES, PUBLISHED_EVENTS, ServiceName, type ConsumerQueueName } from '@loja/contracts';
import { deadLetterQueueName } from '@loja/messaging';

type Service = ServiceName;

/** One event type travelling from its producer to one consumer queue. */
export interface SagaEdge {
  id: string;
  event: string;
  from: Service;
  to: Service;
  queue: ConsumerQueueName;
}

/** A consumer queue, the service that consumes it, and where its failures go. */
export interface SagaQueue {
  name: ConsumerQueueName;
  service: Service;
  deadLetterQueue: string;
  events: readonly string[];
}

/** The saga as the flow page draws it: the services, every event from producer to consumers, the queues. */
export interface SagaGraph {
  services: readonly Service[];
  edges: SagaEdge[];
  queues: SagaQueue[];
}

/** The service a queue belongs to: queues are named `<service>.<intent>`. */
const serviceOf = (queue: ConsumerQueueName): Service => ServiceName.parse(queue.slice(0, queue.indexOf('.')));

/**
 * Drawn from the contracts alone (who publishes which event, which queue takes which), so the page
 * shows the topology the services really declare.
 */
export function sagaGraph(): SagaGraph {
  const producerOf = new Map<string, Service>();
  for (const service of ServiceName.options) {
    for (const event of PUBLISHED_EVENTS[service]) producerOf.set(event, service);
  }
  const queues = (Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[]).map((name) => ({
    name,
    service: serviceOf(name),
    deadLetterQueue: deadLetterQueueName(name),
    events: CONSUMER_QUEUES[name],
  }));
  const edges = queues.flatMap((queue) =>
    queue.events.map((event) => {
      const from = producerOf.get(event);
      if (!from) throw new Error(`no service publishes ${event}, which ${queue.name} takes`);
      return { id: `${event}->${queue.name}`, event, from, to: queue.service, queue: queue.name };
    }),
  );
  return { services: ServiceName.options, edges, queues };
}
