import { describe, expect, it } from 'vitest';
import { decideAdmission } from './admission-policy';

const limits = { maxPlacementsInFlight: 50, maxOutboxBacklog: 100, maxOutboxAgeMs: 2000, maxOrdersInFlight: 300 };
const idle = { placementsInFlight: 0, backlog: 0, oldestAgeMs: 0, ordersInFlight: 0 };

describe('decideAdmission', () => {
  it('accepts while the outbox keeps up', () => {
    expect(decideAdmission(idle, limits)).toEqual({ accept: true });
    expect(decideAdmission({ ...idle, placementsInFlight: 49, backlog: 100, oldestAgeMs: 2000 }, limits)).toEqual({
      accept: true,
    });
  });

  it('refuses when the oldest unpublished event is too old, with a Retry-After from its age', () => {
    const decision = decideAdmission({ ...idle, backlog: 3, oldestAgeMs: 4500 }, limits);
    expect(decision).toMatchObject({ accept: false, retryAfterSeconds: 5 });
    expect(decision.accept === false && decision.reason).toMatch(/4500 ms old/);
  });

  it('refuses when too many events wait, and asks for at least a second', () => {
    expect(decideAdmission({ ...idle, backlog: 101, oldestAgeMs: 10 }, limits)).toMatchObject({
      accept: false,
      retryAfterSeconds: 1,
    });
  });

  it('never asks a client to wait more than 30 s', () => {
    expect(decideAdmission({ ...idle, oldestAgeMs: 120_000 }, limits)).toMatchObject({ retryAfterSeconds: 30 });
  });

  it('refuses at once when Orders is already placing as many orders as it may', () => {
    const decision = decideAdmission({ ...idle, placementsInFlight: 50 }, limits);
    expect(decision).toMatchObject({ accept: false, retryAfterSeconds: 1 });
    expect(decision.accept === false && decision.reason).toMatch(/50 orders are being placed/);
  });

  it('refuses while as many accepted orders as it may are still on their way to a final state', () => {
    expect(decideAdmission({ ...idle, ordersInFlight: 299 }, limits)).toEqual({ accept: true });
    const decision = decideAdmission({ ...idle, ordersInFlight: 300, oldestAgeMs: 10 }, limits);
    expect(decision).toMatchObject({ accept: false, retryAfterSeconds: 2 });
    expect(decision.accept === false && decision.reason).toMatch(/300 accepted orders are not final yet/);
  });
});
