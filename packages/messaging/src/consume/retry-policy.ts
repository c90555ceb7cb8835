import type { RetryPolicyOptions } from '../messaging.options';

/** Delay before delivery number `attempt + 1`, after delivery `attempt` failed: exponential, capped. */
export function retryDelayMs(policy: RetryPolicyOptions, attempt: number): number {
  const delay = policy.initialDelayMs * policy.multiplier ** (attempt - 1);
  return Math.round(Math.min(delay, policy.maxDelayMs));
}

/** All distinct delays the policy can use, so their retry queues can be declared up front. */
export function allRetryDelaysMs(policy: RetryPolicyOptions): number[] {
  const delays = new Set<number>();
  for (let attempt = 1; attempt < policy.attempts; attempt++) delays.add(retryDelayMs(policy, attempt));
  return [...delays];
}

/** True when a failed delivery number `attempt` still has a retry left. */
export function hasAttemptsLeft(policy: RetryPolicyOptions, attempt: number): boolean {
  return attempt < policy.attempts;
}

/** The longest a message spends in the retry queues: the sum of the delays of all its retries. */
export function retrySpanMs(policy: RetryPolicyOptions): number {
  let span = 0;
  for (let attempt = 1; attempt < policy.attempts; attempt++) span += retryDelayMs(policy, attempt);
  return span;
}
