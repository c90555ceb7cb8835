import { createHash } from 'node:crypto';
import type { PaymentRejectionReason } from '@loja/contracts';
import { DependencyUnavailableError } from '@loja/messaging';

/**
 * A card gateway simulated in-process, with deterministic rules so every outcome of the saga can be
 * produced on purpose (README, "Simulated gateway"). Rules, first match wins:
 *
 * 1. `tok_gateway_down`: the gateway is always unavailable (DependencyUnavailableError).
 * 2. `tok_flaky`: unavailable on the first `flakyFailures` calls for an order in this process, then
 *    the rules below apply.
 * 3. amount above `amountLimitCents`: rejected, AMOUNT_LIMIT_EXCEEDED.
 * 4. `tok_declined`: rejected, CARD_DECLINED.
 * 5. `tok_insufficient_funds`: rejected, INSUFFICIENT_FUNDS.
 * 6. any other token: approved, with an authorization code derived from the order and amount.
 *
 * Refunds of an approved charge, first match wins:
 *
 * 1. `tok_refund_flaky`: the refund is unavailable on the first `flakyFailures` calls for an order in
 *    this process (DependencyUnavailableError), then refunded. Its charge is approved like any card.
 * 2. any other token: refunded in full, with a refund code derived from the order and amount.
 *
 * Like a real gateway, it takes an idempotency key with each charge and each refund (Payments uses the
 * order id for both): a call repeated with a key already answered gets the first answer back and
 * charges (or refunds) nothing more, so a handler's transaction may be rolled back and run again
 * without charging the card twice or refunding it twice.
 */
export const TEST_CARD_TOKENS = {
  gatewayDown: 'tok_gateway_down',
  flaky: 'tok_flaky',
  declined: 'tok_declined',
  insufficientFunds: 'tok_insufficient_funds',
  refundFlaky: 'tok_refund_flaky',
} as const;

export interface GatewaySettings {
  amountLimitCents: number;
  flakyFailures: number;
}

export interface ChargeRequest {
  orderId: string;
  amountCents: number;
  cardToken: string;
}

/** A refund of the whole amount of an approved charge. */
export interface RefundRequest {
  orderId: string;
  amountCents: number;
  cardToken: string;
}

export interface RefundResult {
  status: 'REFUNDED';
  refundCode: string;
}

export type ChargeResult =
  { status: 'APPROVED'; authorizationCode: string } | { status: 'REJECTED'; reason: PaymentRejectionReason };

/** Idempotency keys a gateway remembers; the oldest are forgotten first (a real one keeps them ~24 h). */
const REMEMBERED_KEYS = 50_000;

export class SimulatedGateway {
  /** Unavailable answers given so far per `tok_flaky` order (this process only, by design). */
  private readonly flakyCalls = new Map<string, number>();
  /** Unavailable answers given so far per `tok_refund_flaky` refund (this process only, by design). */
  private readonly flakyRefundCalls = new Map<string, number>();
  /** Answers given, by idempotency key. */
  private readonly answers = new Map<string, ChargeResult>();
  /** Refunds made, by idempotency key. */
  private readonly refunds = new Map<string, RefundResult>();

  constructor(private readonly settings: GatewaySettings) {}

  /** Charges once per `idempotencyKey`; an unavailable gateway answers nothing, so a retry charges. */
  charge(request: ChargeRequest, idempotencyKey: string): ChargeResult {
    const earlier = this.answers.get(idempotencyKey);
    if (earlier) return earlier;
    const answer = this.decide(request);
    this.answers.set(idempotencyKey, answer);
    if (this.answers.size > REMEMBERED_KEYS) this.answers.delete(this.answers.keys().next().value!);
    return answer;
  }

  /** Refunds once per `idempotencyKey`; an unavailable gateway refunds nothing, so a retry refunds. */
  refund(request: RefundRequest, idempotencyKey: string): RefundResult {
    const earlier = this.refunds.get(idempotencyKey);
    if (earlier) return earlier;
    const { orderId, amountCents, cardToken } = request;
    if (cardToken === TEST_CARD_TOKENS.refundFlaky) {
      const calls = this.flakyRefundCalls.get(orderId) ?? 0;
      if (calls < this.settings.flakyFailures) {
        this.flakyRefundCalls.set(orderId, calls + 1);
        throw new DependencyUnavailableError(
          `refund unavailable (call ${calls + 1} of ${this.settings.flakyFailures} failing)`,
        );
      }
    }
    const answer: RefundResult = { status: 'REFUNDED', refundCode: `R${authorizationCodeFor(orderId, amountCents)}` };
    this.refunds.set(idempotencyKey, answer);
    if (this.refunds.size > REMEMBERED_KEYS) this.refunds.delete(this.refunds.keys().next().value!);
    return answer;
  }

  private decide(request: ChargeRequest): ChargeResult {
    const { orderId, amountCents, cardToken } = request;
    if (cardToken === TEST_CARD_TOKENS.gatewayDown) {
      throw new DependencyUnavailableError('payment gateway unavailable');
    }
    if (cardToken === TEST_CARD_TOKENS.flaky) {
      const calls = this.flakyCalls.get(orderId) ?? 0;
      if (calls < this.settings.flakyFailures) {
        this.flakyCalls.set(orderId, calls + 1);
        throw new DependencyUnavailableError(
          `payment gateway unavailable (call ${calls + 1} of ${this.settings.flakyFailures} failing)`,
        );
      }
    }
    if (amountCents > this.settings.amountLimitCents) return { status: 'REJECTED', reason: 'AMOUNT_LIMIT_EXCEEDED' };
    if (cardToken === TEST_CARD_TOKENS.declined) return { status: 'REJECTED', reason: 'CARD_DECLINED' };
    if (cardToken === TEST_CARD_TOKENS.insufficientFunds) return { status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS' };
    return { status: 'APPROVED', authorizationCode: authorizationCodeFor(orderId, amountCents) };
  }
}

/** Six upper-case hex characters, always the same for the same order and amount. */
export function authorizationCodeFor(orderId: string, amountCents: number): string {
  return createHash('sha256').update(`${orderId}:${amountCents}`).digest('hex').slice(0, 6).toUpperCase();
}
