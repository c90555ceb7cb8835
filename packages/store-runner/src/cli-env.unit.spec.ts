import { describe, expect, it } from 'vitest';
import { cliServiceEnv, servicesFromEnv } from './cli-env';

describe('cliServiceEnv', () => {
  it('gives logistics a 5 s shipping delay unless the user sets one', () => {
    expect(cliServiceEnv({}).serviceEnv.logistics).toEqual({ SHIPPING_DELAY_MS: '5000' });
    expect(cliServiceEnv({ SHIPPING_DELAY_MS: '0' }).serviceEnv.logistics?.SHIPPING_DELAY_MS).toBe('0');
    expect(cliServiceEnv({ SHIPPING_DELAY_MS: '250' }).shippingDelayMs).toBe('250');
  });

  it('passes messaging settings to all, <SERVICE>_* to that service, and keeps everything else out', () => {
    const result = cliServiceEnv({
      MESSAGING_PREFETCH: '5',
      OUTBOX_SWEEP_INTERVAL_MS: '100',
      INVENTORY_ADMIN_TOKEN: 'secret',
      INVENTORY_PORT: '4001',
      POSTGRES_URL: 'postgresql://postgres@db/postgres',
      AWS_SECRET_ACCESS_KEY: 'nope',
    });
    expect(result.env).toEqual({ MESSAGING_PREFETCH: '5', OUTBOX_SWEEP_INTERVAL_MS: '100' });
    expect(result.serviceEnv.inventory).toEqual({ INVENTORY_ADMIN_TOKEN: 'secret' });
    expect(result.serviceEnv.orders).toBeUndefined();
  });

  it("passes OpenTelemetry's variables to every service, so OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on", () => {
    const result = cliServiceEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_BSP_SCHEDULE_DELAY: '500',
    });
    expect(result.env).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_BSP_SCHEDULE_DELAY: '500',
    });
  });

  it('reads STORE_SERVICES as a comma-separated subset and rejects unknown names', () => {
    expect(servicesFromEnv({})).toBeUndefined();
    expect(servicesFromEnv({ STORE_SERVICES: ' inventory, orders ' })).toEqual(['inventory', 'orders']);
    expect(() => servicesFromEnv({ STORE_SERVICES: 'inventory,shipping' })).toThrow('unknown shipping');
  });
});
