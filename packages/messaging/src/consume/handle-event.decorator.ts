import { SetMetadata } from '@nestjs/common';
import type { EventDefinition } from '@loja/contracts';

export const HANDLE_EVENT_METADATA = Symbol('HANDLE_EVENT_METADATA');

export interface HandleEventMetadata {
  definition: EventDefinition;
  /** Queue name: `<service>.<intent>`, e.g. `inventory.reserve-stock`. Several handlers may share one. */
  queue: string;
  /**
   * The handler calls something outside its database (an SMTP server, a payment gateway). Its queue's
   * messages are then never handled together in one transaction: a sibling's failure would roll the
   * batch back and make the handler call out again.
   */
  externalEffects: boolean;
}

export interface HandleEventOptions {
  queue: string;
  /** See HandleEventMetadata.externalEffects; false by default. */
  externalEffects?: boolean;
}

/**
 * Marks a provider method as the handler of one event type on one queue. The method receives the
 * validated event and the Prisma transaction in which its effects must be written; messaging records
 * the event in the inbox in that same transaction and acks the message after commit. Under load,
 * several messages of a queue may share one transaction (see EventConsumers), so a handler must
 * write only through `tx`, or declare `externalEffects`.
 *
 *   @HandleEvent(PedidoCriado, { queue: 'inventory.reserve-stock' })
 *   async handle(event: EventOf<typeof PedidoCriado>, tx: Tx) { ... }
 */
export const HandleEvent = (definition: EventDefinition, options: HandleEventOptions): MethodDecorator =>
  SetMetadata<symbol, HandleEventMetadata>(HANDLE_EVENT_METADATA, {
    definition,
    queue: options.queue,
    externalEffects: options.externalEffects ?? false,
  });
