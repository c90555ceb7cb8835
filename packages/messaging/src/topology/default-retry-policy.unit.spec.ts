import { describe, expect, it } from 'vitest';
import { messagingOptionsFromEnv } from '../messaging.options';
import { DEFAULT_RETRY_POLICY, defaultRetryDelaysMs } from './default-retry-policy';

describe('default retry policy', () => {
  it('is the policy of a service that sets no MESSAGING_RETRY_* variable', () => {
    const { retry } = messagingOptionsFromEnv({ service: 'orders' }, { DATABASE_URL: 'postgresql://localhost/x' });
    expect(DEFAULT_RETRY_POLICY).toEqual(retry);
  });

  it('uses five delay queues, 250 ms to 64 s', () => {
    expect(defaultRetryDelaysMs()).toEqual([250, 1000, 4000, 16_000, 64_000]);
  });
});
