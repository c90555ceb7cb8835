import { describe, expect, it } from 'vitest';
import { messagingOptionsFromEnv } from './messaging.options';

const env = { DATABASE_URL: 'postgresql://localhost/x' };

describe('messagingOptionsFromEnv: MESSAGING_TCP_NODELAY', () => {
  it("leaves Nagle's algorithm on unless asked, and turns it off for true", () => {
    expect(messagingOptionsFromEnv({ service: 'orders' }, env).tcpNoDelay).toBe(false);
    expect(messagingOptionsFromEnv({ service: 'orders' }, { ...env, MESSAGING_TCP_NODELAY: 'true' }).tcpNoDelay).toBe(
      true,
    );
  });

  it('names the variable when its value is not a boolean', () => {
    expect(() =>
      messagingOptionsFromEnv({ service: 'orders' }, { ...env, MESSAGING_TCP_NODELAY: 'sometimes' }),
    ).toThrow(/MESSAGING_TCP_NODELAY/);
  });
});
