import { join, resolve } from 'node:path';
import {
  DEFAULT_PORTS,
  SERVICES,
  assertNamespace,
  serverSettingsFromEnv,
  type ServerSettings,
  type Service,
} from '@loja/provisioning';

export interface StoreOptions {
  /** Prefixes the databases and names the vhost. Default: STORE_NAMESPACE or `loja`. */
  namespace?: string;
  /** Which services to run, default all five (a subset is for tests and partial builds). */
  services?: readonly Service[];
  /** HTTP port per service; 0 picks a free port. Default: <SERVICE>_PORT or 3000–3004. */
  ports?: Partial<Record<Service, number>>;
  /** An SMTP server for notifications. Default: SMTP_URL; unset, a mail sink is started in-process. */
  smtpUrl?: string;
  /**
   * The in-process mail sink: its ports (0 = free; default MAIL_SMTP_PORT/MAIL_UI_PORT or 1025/8025)
   * and how many e-mails it keeps (default 1000, the oldest forgotten first).
   */
  mailSink?: { smtpPort?: number; httpPort?: number; capacity?: number };
  /** PostgreSQL and RabbitMQ connections. Default: serverSettingsFromEnv(). */
  servers?: ServerSettings;
  /**
   * Where the local PostgreSQL's Unix socket is: services reach a PostgreSQL on this machine through
   * it (cheaper than loopback TCP). Default: POSTGRES_SOCKET_DIR or /var/run/postgresql; '' keeps TCP.
   */
  postgresSocketDir?: string;
  /** Extra environment of every service (after the store's own variables). */
  env?: Record<string, string>;
  /** Extra environment per service, e.g. `{ logistics: { SHIPPING_DELAY_MS: '0' } }` (wins over `env`). */
  serviceEnv?: Partial<Record<Service, Record<string, string>>>;
  /** Where `<service>.log` files go. Default: `<repo>/.store/<namespace>/logs`. */
  logDir?: string;
  /** How long one service may take to answer GET /health with 200. Default 60 s. */
  healthTimeoutMs?: number;
  /** Progress and unexpected exits, one human-readable line each. */
  onProgress?: (line: string) => void;
  /** Aborts a start in progress: what was started is stopped and startStore rejects. */
  signal?: AbortSignal;
  /** The repository holding apps/<service>. Default: found from this package's location. */
  rootDir?: string;
}

export interface ResolvedStoreOptions {
  namespace: string;
  services: Service[];
  ports: Record<Service, number>;
  smtpUrl: string | undefined;
  mailSink: { smtpPort: number; httpPort: number; capacity?: number };
  servers: ServerSettings;
  postgresSocketDir: string;
  env: Record<string, string>;
  serviceEnv: Partial<Record<Service, Record<string, string>>>;
  logDir: string;
  healthTimeoutMs: number;
  onProgress: (line: string) => void;
  signal: AbortSignal | undefined;
  rootDir: string;
}

/** packages/store-runner/{dist,src}/ → the repository root. */
export const REPO_ROOT = resolve(__dirname, '../../..');

export const portVariable = (service: Service) => `${service.toUpperCase()}_PORT`;

/** A TCP port from the environment, or the fallback; a bad value fails with the variable's name. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name}="${raw}" is not a TCP port (0–65535; 0 picks a free one)`);
  }
  return port;
}

/** Options win over the environment, the environment over the defaults. */
export function resolveStoreOptions(options: StoreOptions, env: NodeJS.ProcessEnv = process.env): ResolvedStoreOptions {
  const namespace = assertNamespace(options.namespace ?? env.STORE_NAMESPACE ?? 'loja');
  const wanted = new Set(options.services ?? SERVICES);
  for (const service of wanted) {
    if (!SERVICES.includes(service)) throw new Error(`unknown service "${service}" (known: ${SERVICES.join(', ')})`);
  }
  const ports = Object.fromEntries(
    SERVICES.map((service) => [
      service,
      options.ports?.[service] ?? portFromEnv(env, portVariable(service), DEFAULT_PORTS[service]),
    ]),
  ) as Record<Service, number>;
  const rootDir = options.rootDir ?? REPO_ROOT;
  return {
    namespace,
    // Always in SERVICES order: inventory first, it seeds the catalogue the others rely on.
    services: SERVICES.filter((service) => wanted.has(service)),
    ports,
    smtpUrl: options.smtpUrl ?? (env.SMTP_URL || undefined),
    mailSink: {
      smtpPort: options.mailSink?.smtpPort ?? portFromEnv(env, 'MAIL_SMTP_PORT', 1025),
      httpPort: options.mailSink?.httpPort ?? portFromEnv(env, 'MAIL_UI_PORT', 8025),
      ...(options.mailSink?.capacity !== undefined && { capacity: options.mailSink.capacity }),
    },
    servers: options.servers ?? serverSettingsFromEnv(env),
    postgresSocketDir: options.postgresSocketDir ?? env.POSTGRES_SOCKET_DIR ?? '/var/run/postgresql',
    env: options.env ?? {},
    serviceEnv: options.serviceEnv ?? {},
    logDir: options.logDir ?? join(rootDir, '.store', namespace, 'logs'),
    healthTimeoutMs: options.healthTimeoutMs ?? 60_000,
    onProgress: options.onProgress ?? (() => undefined),
    signal: options.signal,
    rootDir,
  };
}
