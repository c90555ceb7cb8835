import type { MessagingOptions } from '../messaging.options';

/**
 * How long a relay owns the outbox rows it is publishing: twice the publish timeout, so a live relay's
 * publish always ends (confirmed, refused or timed out) before its lease does. A relay that dies keeps
 * its rows only until then; another relay's sweep publishes them afterwards.
 */
export const relayLeaseSeconds = (options: Pick<MessagingOptions, 'outbox'>): number =>
  Math.ceil((2 * options.outbox.publishTimeoutMs) / 1000);
