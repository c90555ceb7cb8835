import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CONSUMER_QUEUES, type AnyEvent, type EventDefinition } from '@loja/contracts';
import type { SqlTransaction } from '../sql/sql-transaction';
import { HANDLE_EVENT_METADATA, type HandleEventMetadata } from './handle-event.decorator';

/** One @HandleEvent method, ready to call. */
export interface EventHandler {
  definition: EventDefinition;
  /** `Class.method`, for logs. */
  name: string;
  invoke(event: AnyEvent, tx: SqlTransaction): Promise<unknown>;
}

/** A queue this service consumes and the handler of each event type it takes. */
export interface ConsumerQueue {
  name: string;
  handlers: ReadonlyMap<string, EventHandler>;
  /** The routing keys it is bound with, from its events. */
  routingKeys: string[];
}

/**
 * Every @HandleEvent method of the application, grouped by queue. Fails at boot when a queue has two
 * handlers for one type, or when a store queue takes other events than the contracts' topology lists.
 */
@Injectable()
export class HandlerRegistry {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  discover(): ConsumerQueue[] {
    const queues = new Map<string, Map<string, EventHandler>>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<HandleEventMetadata | undefined>(HANDLE_EVENT_METADATA, method);
        if (!meta) continue;
        const handlers = queues.get(meta.queue) ?? new Map<string, EventHandler>();
        if (handlers.has(meta.definition.type)) {
          throw new Error(`queue ${meta.queue} has two handlers for ${meta.definition.type}`);
        }
        handlers.set(meta.definition.type, {
          definition: meta.definition,
          name: `${instance.constructor.name}.${methodName}`,
          invoke: (event, tx) => (method as EventHandler['invoke']).call(instance, event, tx),
        });
        queues.set(meta.queue, handlers);
      }
    }
    const found = [...queues].map(([name, handlers]) => ({
      name,
      handlers,
      routingKeys: [...new Set([...handlers.values()].map((handler) => handler.definition.routingKey))],
    }));
    found.forEach(checkAgainstStoreTopology);
    return found;
  }
}

/** A store queue must take exactly the events the contracts' topology lists for it. */
function checkAgainstStoreTopology(queue: ConsumerQueue): void {
  const expected = (CONSUMER_QUEUES as Record<string, readonly string[]>)[queue.name];
  if (!expected) return;
  const actual = [...queue.handlers.keys()].sort();
  if (actual.join() !== [...expected].sort().join()) {
    throw new Error(
      `queue ${queue.name} handles [${actual.join(', ')}] but the store topology lists [${[...expected].sort().join(', ')}]`,
    );
  }
}
