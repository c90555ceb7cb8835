import type { LoggerService } from '@nestjs/common';
import { orderIdOf, type AnyEvent } from '@loja/contracts';
import { EventArrivedEarlyError } from '../errors';

/**
 * `found`, which an earlier event of the order brought (a payment intent, shipping details); when it
 * is not there yet, an EventArrivedEarlyError saying `no ${what} yet`: the event is retried with
 * backoff until that earlier event has been handled.
 */
export function broughtEarlier<T>(found: T | undefined, what: string): T {
  if (found === undefined) throw new EventArrivedEarlyError(`no ${what} yet`);
  return found;
}

/**
 * Whether a use case has nothing to do for `event`: the first reason that holds (`[holds, why]`: done
 * already, the order cancelled) is logged with the event's order and id, and true returned.
 */
export function nothingToDo(
  logger: Pick<LoggerService, 'log'>,
  event: AnyEvent,
  reasons: ReadonlyArray<readonly [holds: boolean, why: string]>,
): boolean {
  const reason = reasons.find(([holds]) => holds);
  if (!reason) return false;
  logger.log({ msg: reason[1], orderId: orderIdOf(event), eventId: event.id });
  return true;
}
