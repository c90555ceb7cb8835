import { describe, expect, it } from 'vitest';
import { messagingOptionsFromEnv } from '../messaging.options';
import { checkInboxWindow, shortestInboxRetentionMs } from './inbox-window';

const env = (extra: NodeJS.ProcessEnv = {}) => ({ DATABASE_URL: 'postgresql://localhost/x', ...extra });
const options = (extra?: NodeJS.ProcessEnv) => messagingOptionsFromEnv({ service: 'orders' }, env(extra));

describe('retention settings', () => {
  it('keeps a week of both tables by default, sweeping every 10 minutes in batches of 1000', () => {
    expect(options().retention).toEqual({
      intervalMs: 600_000,
      outboxRetentionMs: 7 * 24 * 3_600_000,
      inboxRetentionMs: 7 * 24 * 3_600_000,
      batchSize: 1000,
    });
  });

  it('reads each setting, and 0 turns the sweep off', () => {
    expect(
      options({
        MESSAGING_RETENTION_INTERVAL_MS: '0',
        MESSAGING_OUTBOX_RETENTION_MS: '3600000',
        MESSAGING_INBOX_RETENTION_MS: '86400000',
        MESSAGING_RETENTION_BATCH_SIZE: '500',
      }).retention,
    ).toEqual({ intervalMs: 0, outboxRetentionMs: 3_600_000, inboxRetentionMs: 86_400_000, batchSize: 500 });
  });

  it.each([
    ['MESSAGING_RETENTION_INTERVAL_MS', '-1'],
    ['MESSAGING_OUTBOX_RETENTION_MS', 'a week'],
    ['MESSAGING_INBOX_RETENTION_MS', '1.5'],
    ['MESSAGING_RETENTION_BATCH_SIZE', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    expect(() => options({ [name]: value })).toThrow(new RegExp(`invalid messaging configuration: .*${name}`));
  });

  it('needs the inbox kept at least as long as the retries plus the relay lease: 85.25 s + 20 s by default', () => {
    expect(shortestInboxRetentionMs(options())).toBe(250 + 1000 + 4000 + 16_000 + 64_000 + 20_000);
    expect(() => checkInboxWindow(options())).not.toThrow();
    expect(() => checkInboxWindow(options({ MESSAGING_INBOX_RETENTION_MS: '105250' }))).not.toThrow();
  });

  it('refuses at boot an inbox retention shorter than that, saying why', () => {
    expect(() => checkInboxWindow(options({ MESSAGING_INBOX_RETENTION_MS: '60000' }))).toThrow(
      /MESSAGING_INBOX_RETENTION_MS is 60000 ms, shorter than the 105250 ms a redelivery can trail/,
    );
    // Longer retries need a longer window: five 5-minute retries.
    const slow = options({
      MESSAGING_RETRY_INITIAL_DELAY_MS: '300000',
      MESSAGING_RETRY_MULTIPLIER: '1',
      MESSAGING_INBOX_RETENTION_MS: '3600000',
    });
    expect(shortestInboxRetentionMs(slow)).toBe(5 * 300_000 + 20_000);
    expect(() => checkInboxWindow({ ...slow, retention: { ...slow.retention, inboxRetentionMs: 1_000_000 } })).toThrow(
      /1520000 ms/,
    );
  });
});
