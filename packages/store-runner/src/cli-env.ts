import { SERVICES, type Service } from '@loja/provisioning';

/**
 * Messaging tuning every service reads the same way (see packages/messaging/README.md), and
 * OpenTelemetry's standard variables (OTEL_EXPORTER_OTLP_ENDPOINT turns tracing on).
 */
const SHARED = /^(EVENTS_EXCHANGE|MESSAGING_[A-Z0-9_]+|OUTBOX_[A-Z0-9_]+|OTEL_[A-Z0-9_]+)$/;

export const DEFAULT_SHIPPING_DELAY_MS = '5000';

export interface CliServiceEnv {
  env: Record<string, string>;
  serviceEnv: Partial<Record<Service, Record<string, string>>>;
  shippingDelayMs: string;
}

/**
 * What `npm run store` hands to the services from the user's shell, besides what the launcher sets:
 * the shared messaging settings, and `<SERVICE>_*` variables to that service alone (`INVENTORY_ADMIN_TOKEN`
 * to inventory; `<SERVICE>_PORT` is the launcher's). Logistics waits 5 s per shipping step by default so a
 * user can watch the order move; SHIPPING_DELAY_MS changes it.
 */
export function cliServiceEnv(env: NodeJS.ProcessEnv): CliServiceEnv {
  const shared: Record<string, string> = {};
  const serviceEnv: Partial<Record<Service, Record<string, string>>> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (SHARED.test(name)) shared[name] = value;
    for (const service of SERVICES) {
      const prefix = `${service.toUpperCase()}_`;
      if (name.startsWith(prefix) && name !== `${prefix}PORT`) (serviceEnv[service] ??= {})[name] = value;
    }
  }
  const shippingDelayMs = env.SHIPPING_DELAY_MS || DEFAULT_SHIPPING_DELAY_MS;
  serviceEnv.logistics = { ...serviceEnv.logistics, SHIPPING_DELAY_MS: shippingDelayMs };
  return { env: shared, serviceEnv, shippingDelayMs };
}

/** STORE_SERVICES=inventory,orders runs part of the store (while the rest is being built, say). */
export function servicesFromEnv(env: NodeJS.ProcessEnv): Service[] | undefined {
  const raw = env.STORE_SERVICES?.trim();
  if (!raw) return undefined;
  const services = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = services.filter((name) => !(SERVICES as readonly string[]).includes(name));
  if (unknown.length) {
    throw new Error(`STORE_SERVICES: unknown ${unknown.join(', ')} (known: ${SERVICES.join(', ')})`);
  }
  return services as Service[];
}
