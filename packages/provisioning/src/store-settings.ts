/** The five services, in the order the store starts them. */
export const SERVICES = ['inventory', 'orders', 'payments', 'logistics', 'notifications'] as const;
export type Service = (typeof SERVICES)[number];

export const DEFAULT_PORTS: Record<Service, number> = {
  orders: 3000,
  inventory: 3001,
  payments: 3002,
  logistics: 3003,
  notifications: 3004,
};

/** Connection settings shared by the store launcher, the tests and the benchmark; see README. */
export interface ServerSettings {
  /** Admin connection used to create databases and roles. */
  postgresUrl: string;
  /** AMQP URL without vhost: the vhost is the namespace. */
  rabbitmqUrl: string;
  rabbitmqManagementUrl: string;
}

export function serverSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ServerSettings {
  return {
    postgresUrl: env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    rabbitmqUrl: env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    rabbitmqManagementUrl: env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672',
  };
}

/** `loja` by default; tests and benchmarks use their own so they never see another run's data. */
export function assertNamespace(namespace: string): string {
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(namespace)) {
    throw new Error(
      `STORE_NAMESPACE "${namespace}" must be lower-case letters, digits and _ (max 40), starting with a letter`,
    );
  }
  return namespace;
}

export const databaseName = (namespace: string, service: string) => `${namespace}_${service}`;
export const roleName = (namespace: string, service: string) => `${namespace}_${service}`;

/** The URL of `url`'s server with another database, user and password. */
export function withDatabase(url: string, database: string, credentials?: { user: string; password: string }): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (credentials) {
    parsed.username = encodeURIComponent(credentials.user);
    parsed.password = encodeURIComponent(credentials.password);
  }
  return parsed.toString();
}

/** The AMQP URL of `url`'s broker on `vhost`. */
export function withVhost(url: string, vhost: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(vhost)}`;
  return parsed.toString();
}
