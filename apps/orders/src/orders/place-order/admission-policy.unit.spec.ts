import { describe, expect, it } from 'vitest';
import { decideAdmission } from './admission-policy';

const limits = { maxOutboxBacklog: 100, maxOutboxAgeMs: 2000 };

describe('decideAdmission', () => {
  it('accepts while the outbox keeps up', () => {
    expect(decideAdmission({ backlog: 0, oldestAgeMs: 0 }, limits)).toEqual({ accept: true });
    expect(decideAdmission({ backlog: 100, oldestAgeMs: 2000 }, limits)).toEqual({ accept: true });
  });

  it('refuses when the oldest unpublished event is too old, with a Retry-After from its age', () => {
    const decision = decideAdmission({ backlog: 3, oldestAgeMs: 4500 }, limits);
    expect(decision).toMatchObject({ accept: false, retryAfterSeconds: 5 });
    expect(decision.accept === false && decision.reason).toMatch(/4500 ms old/);
  });

  it('refuses when too many events wait, and asks for at least a second', () => {
    expect(decideAdmission({ backlog: 101, oldestAgeMs: 10 }, limits)).toMatchObject({
      accept: false,
      retryAfterSeconds: 1,
    });
  });

  it('never asks a client to wait more than 30 s', () => {
    expect(decideAdmission({ backlog: 0, oldestAgeMs: 120_000 }, limits)).toMatchObject({ retryAfterSeconds: 30 });
  });
});
