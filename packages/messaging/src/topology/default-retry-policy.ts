import { allRetryDelaysMs } from '../consume/retry-policy';
import type { RetryPolicyOptions } from '../messaging.options';

/**
 * The retry policy of a service that sets no MESSAGING_RETRY_* variable (the defaults of
 * messaging.options.ts): first retry after 250 ms, each next one 4 × longer, six deliveries in all.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicyOptions = {
  attempts: 6,
  initialDelayMs: 250,
  multiplier: 4,
  maxDelayMs: 5 * 60_000,
};

/** The delay queues the default policy uses: 250 ms, 1 s, 4 s, 16 s, 64 s. */
export const defaultRetryDelaysMs = (): number[] => allRetryDelaysMs(DEFAULT_RETRY_POLICY);
