import { retrySpanMs } from '../consume/retry-policy';
import type { MessagingOptions } from '../messaging.options';
import { relayLeaseSeconds } from '../outbox/relay-lease';

/**
 * The shortest inbox retention that still recognises every redelivery the system itself makes: a
 * message's retries (all the delays of the retry policy, one after the other) and the relay
 * publishing again a row whose lease expired before it was marked published. A duplicate later than
 * that (a long outage, a replay from a DLQ) is recognised only within the retention itself.
 */
export function shortestInboxRetentionMs(options: Pick<MessagingOptions, 'retry' | 'outbox'>): number {
  return retrySpanMs(options.retry) + relayLeaseSeconds(options) * 1000;
}

/** Refuses, at boot, an inbox retention that would let the system's own redeliveries run twice. */
export function checkInboxWindow(options: Pick<MessagingOptions, 'retry' | 'outbox' | 'retention'>): void {
  const shortest = shortestInboxRetentionMs(options);
  const { inboxRetentionMs } = options.retention;
  if (inboxRetentionMs < shortest) {
    throw new Error(
      `invalid messaging configuration: MESSAGING_INBOX_RETENTION_MS is ${inboxRetentionMs} ms, shorter than the ` +
        `${shortest} ms a redelivery can trail the first delivery (${retrySpanMs(options.retry)} ms of retries ` +
        `under MESSAGING_RETRY_*, plus the relay's lease of ${relayLeaseSeconds(options)} s): a duplicate would ` +
        `no longer find its inbox row and would be handled twice`,
    );
  }
}
