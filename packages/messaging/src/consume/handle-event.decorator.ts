import { SetMetadata } from '@nestjs/common';
import type { EventDefinition } from '@loja/contracts';

export const HANDLE_EVENT_METADATA = Symbol('HANDLE_EVENT_METADATA');

export interface HandleEventMetadata {
  definition: EventDefinition;
  /** Queue name: `<service>.<intent>`, e.g. `inventory.reserve-stock`. Several handlers may share one. */
  queue: string;
}

export interface HandleEventOptions {
  queue: string;
}

/**
 * Marks a provider method as the handler of one event type on one queue. The method receives the
 * validated event and the transaction in which its effects must be written; messaging records the
 * event in the inbox in that same transaction and acks the message after commit. Under load, several
 * messages of a queue share one transaction (see DeliveryPipeline), and a failed transaction is run
 * again message by message: a handler writes only through `tx`, and anything outside the database (an
 * e-mail) goes in `tx.afterCommit`, or is idempotent by a key of the handler's own.
 *
 *   @HandleEvent(PedidoCriado, { queue: 'inventory.reserve-stock' })
 *   async handle(event: EventOf<typeof PedidoCriado>, tx: SqlTransaction) { ... }
 */
export const HandleEvent = (definition: EventDefinition, options: HandleEventOptions): MethodDecorator =>
  SetMetadata<symbol, HandleEventMetadata>(HANDLE_EVENT_METADATA, { definition, queue: options.queue });
