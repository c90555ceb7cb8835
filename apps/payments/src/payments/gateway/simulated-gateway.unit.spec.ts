import { describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '@loja/messaging';
import { authorizationCodeFor, SimulatedGateway } from './simulated-gateway';

const ORDER = '0b6f1c2e-7c1a-4f4e-9a59-3f0d5f4b2a10';
const OTHER_ORDER = '5d1e8b7a-2f3c-4a6b-8c9d-0e1f2a3b4c5d';
const gateway = () => new SimulatedGateway({ amountLimitCents: 1_000_000, flakyFailures: 2 });
const charge = (g: SimulatedGateway, cardToken: string, amountCents = 10_000, orderId = ORDER) =>
  g.charge({ orderId, amountCents, cardToken }, orderId);

describe('simulated gateway', () => {
  it('approves any other token with a deterministic authorization code', () => {
    const result = charge(gateway(), 'tok_visa');
    expect(result).toEqual({ status: 'APPROVED', authorizationCode: authorizationCodeFor(ORDER, 10_000) });
    expect(charge(gateway(), 'tok_mastercard')).toEqual(result);
    expect(authorizationCodeFor(ORDER, 10_000)).toMatch(/^[0-9A-F]{6}$/);
    expect(authorizationCodeFor(OTHER_ORDER, 10_000)).not.toBe(authorizationCodeFor(ORDER, 10_000));
  });

  it('rejects tok_declined and tok_insufficient_funds with their reasons', () => {
    expect(charge(gateway(), 'tok_declined')).toEqual({ status: 'REJECTED', reason: 'CARD_DECLINED' });
    expect(charge(gateway(), 'tok_insufficient_funds')).toEqual({ status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('rejects amounts above the limit, whatever the token; the limit itself is allowed', () => {
    expect(charge(gateway(), 'tok_visa', 1_000_000).status).toBe('APPROVED');
    expect(charge(gateway(), 'tok_visa', 1_000_001)).toEqual({ status: 'REJECTED', reason: 'AMOUNT_LIMIT_EXCEEDED' });
    expect(charge(gateway(), 'tok_declined', 1_000_001)).toEqual({
      status: 'REJECTED',
      reason: 'AMOUNT_LIMIT_EXCEEDED',
    });
  });

  it('tok_flaky: unavailable on the first calls for an order, then approved; counted per order', () => {
    const g = gateway();
    expect(() => charge(g, 'tok_flaky')).toThrow(DependencyUnavailableError);
    expect(() => charge(g, 'tok_flaky')).toThrow(DependencyUnavailableError);
    expect(() => charge(g, 'tok_flaky', 10_000, OTHER_ORDER)).toThrow(DependencyUnavailableError);
    expect(charge(g, 'tok_flaky').status).toBe('APPROVED');
    expect(charge(g, 'tok_flaky').status).toBe('APPROVED');
  });

  it('tok_flaky with no configured failures approves at once', () => {
    const g = new SimulatedGateway({ amountLimitCents: 1_000_000, flakyFailures: 0 });
    expect(charge(g, 'tok_flaky').status).toBe('APPROVED');
  });

  it('tok_gateway_down is always unavailable', () => {
    const g = gateway();
    for (let i = 0; i < 5; i++) expect(() => charge(g, 'tok_gateway_down')).toThrow(DependencyUnavailableError);
  });
});

describe('simulated gateway idempotency', () => {
  it('answers a charge repeated with the same key as the first time, without charging again', () => {
    const g = gateway();
    const first = g.charge({ orderId: ORDER, amountCents: 10_000, cardToken: 'tok_visa' }, ORDER);
    // A different amount under the same key is still the first charge's answer.
    expect(g.charge({ orderId: ORDER, amountCents: 99, cardToken: 'tok_declined' }, ORDER)).toEqual(first);
  });

  it('remembers nothing for an unavailable answer: a retry with the key charges', () => {
    const g = gateway();
    expect(() => charge(g, 'tok_flaky')).toThrow(DependencyUnavailableError);
    expect(() => charge(g, 'tok_flaky')).toThrow(DependencyUnavailableError);
    expect(charge(g, 'tok_flaky').status).toBe('APPROVED');
  });
});

describe('simulated gateway refunds', () => {
  const refund = (g: SimulatedGateway, cardToken: string, orderId = ORDER) =>
    g.refund({ orderId, amountCents: 10_000, cardToken }, orderId);

  it('refunds any approved card with a deterministic refund code, once per key', () => {
    const g = gateway();
    const first = refund(g, 'tok_visa');
    expect(first).toEqual({ status: 'REFUNDED', refundCode: expect.stringMatching(/^R[0-9A-F]{6}$/) });
    expect(refund(g, 'tok_visa')).toEqual(first);
  });

  it('tok_refund_flaky: charged at once, the refund fails on the first calls for an order, then succeeds', () => {
    const g = gateway();
    expect(charge(g, 'tok_refund_flaky').status).toBe('APPROVED');
    expect(() => refund(g, 'tok_refund_flaky')).toThrow(DependencyUnavailableError);
    expect(() => refund(g, 'tok_refund_flaky')).toThrow(DependencyUnavailableError);
    expect(() => refund(g, 'tok_refund_flaky', OTHER_ORDER)).toThrow(DependencyUnavailableError);
    expect(refund(g, 'tok_refund_flaky').status).toBe('REFUNDED');
    expect(refund(g, 'tok_refund_flaky').status).toBe('REFUNDED');
  });
});
