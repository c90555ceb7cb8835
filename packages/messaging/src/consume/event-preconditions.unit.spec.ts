import { createEvent, EstoqueReservado } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { describe, expect, it } from 'vitest';
import { EventArrivedEarlyError } from '../errors';
import { broughtEarlier, nothingToDo } from './event-preconditions';

const event = () => {
  const data = sampleData(EstoqueReservado);
  return createEvent(EstoqueReservado, data, { source: 'inventory', correlationId: data.orderId });
};

describe('event preconditions', () => {
  it('broughtEarlier gives what is there, and retries the event with backoff while it is not', () => {
    const intent = { charged: false };
    expect(broughtEarlier(intent, 'payment details for order o-1')).toBe(intent);
    expect(() => broughtEarlier(undefined, 'payment details for order o-1')).toThrow(
      new EventArrivedEarlyError('no payment details for order o-1 yet'),
    );
  });

  it('nothingToDo logs the first reason that holds, with the order and the event, and says so', () => {
    const logged: unknown[] = [];
    const logger = { log: (message: unknown) => logged.push(message) };
    const cause = event();
    expect(nothingToDo(logger, cause, [[false, 'already charged']])).toBe(false);
    expect(logged).toEqual([]);
    const reasons = [
      [false, 'already charged'],
      [true, 'cancelled'],
      [true, 'never read'],
    ] as const;
    expect(nothingToDo(logger, cause, reasons)).toBe(true);
    expect(logged).toEqual([{ msg: 'cancelled', orderId: cause.data.orderId, eventId: cause.id }]);
  });
});
