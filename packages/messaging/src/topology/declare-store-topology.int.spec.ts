import { CONSUMER_QUEUES, EVENTS_EXCHANGE, routingKeysOf, type ConsumerQueueName } from '@loja/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestNamespace } from '../testing';
import { declareStoreTopology } from './declare-store-topology';
import { consumerQueueArguments, deadLetterQueueArguments, retryQueueArguments } from './queue-arguments';
import { REQUEUE_EXCHANGE, RETRY_EXCHANGE } from './queue-names';

type QueueInfo = { name: string; arguments: Record<string, unknown> };
type BindingInfo = { source: string; destination: string; routing_key: string };

describe('declareStoreTopology on a live RabbitMQ', () => {
  let ns: TestNamespace;
  const get = <T>(path: string) => ns.management.request<T>('GET', `${path}/${encodeURIComponent(ns.name)}`);
  const queues = Object.keys(CONSUMER_QUEUES) as ConsumerQueueName[];

  beforeAll(async () => {
    ns = await TestNamespace.create('store_topology');
  });

  afterAll(async () => {
    await ns?.dispose();
  });

  it('declares every consumer queue, bounded, with its DLQ and bindings, and the shared retry topology', async () => {
    expect(await declareStoreTopology(ns.rabbitmqUrl)).toEqual(queues);

    const declared = new Map((await get<QueueInfo[]>('/queues')).map((q) => [q.name, q.arguments]));
    const delays = [250, 1000, 4000, 16_000, 64_000];
    expect(declared.size).toBe(queues.length * 2 + delays.length);
    for (const queue of queues) {
      expect(declared.get(queue), queue).toEqual(consumerQueueArguments(queue, 20, { maxLength: 1000 }));
      expect(declared.get(`${queue}.dlq`), queue).toEqual(deadLetterQueueArguments());
    }
    for (const delay of delays) expect(declared.get(`loja.retry.${delay}ms`)).toEqual(retryQueueArguments(delay));

    const bindings = (await get<BindingInfo[]>('/bindings')).map(
      (b) => `${b.source}: ${b.destination} <- ${b.routing_key}`,
    );
    for (const queue of queues) {
      expect(bindings).toContain(`${REQUEUE_EXCHANGE}: ${queue} <- *.${queue}`);
      for (const key of routingKeysOf(queue)) expect(bindings).toContain(`${EVENTS_EXCHANGE}: ${queue} <- ${key}`);
    }
    for (const delay of delays) expect(bindings).toContain(`${RETRY_EXCHANGE}: loja.retry.${delay}ms <- ${delay}ms.#`);
  });

  it('can run again with the same settings, and is refused other ones (the services would be too)', async () => {
    await declareStoreTopology(ns.rabbitmqUrl);
    await declareStoreTopology(ns.rabbitmqUrl, { maxLength: 1000, deliveryLimit: 20, retryDelaysMs: [250, 500] });
    await expect(declareStoreTopology(ns.rabbitmqUrl, { maxLength: 5000 })).rejects.toThrow(/PRECONDITION_FAILED/);
    await expect(declareStoreTopology(ns.rabbitmqUrl, { maxLength: 0 })).rejects.toThrow(/maximum length/);
  });
});
