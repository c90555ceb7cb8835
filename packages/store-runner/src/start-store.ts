import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { allRetryDelaysMs, declareStoreTopology, messagingOptionsFromEnv } from '@loja/messaging';
import {
  RabbitManagement,
  BrokerOutOfFileHandlesError,
  assertBrokerFileHandles,
  databaseName,
  migrate,
  provisionServiceDatabase,
  withVhost,
  type Service,
  throughLocalSocket,
} from '@loja/provisioning';
import { startMailSink, type MailSink } from './mail-sink';
import { displayPath } from './paths';
import { assertPortFree } from './ports';
import { ServiceProcess } from './service-process';
import { portVariable, resolveStoreOptions, type ResolvedStoreOptions, type StoreOptions } from './store-options';

export interface RunningService {
  /** Changes when the service is restarted. */
  readonly pid: number | undefined;
  readonly port: number;
  readonly url: string;
  readonly databaseUrl: string;
}

export interface StoreUrls {
  orders?: string;
  inventory?: string;
  payments?: string;
  logistics?: string;
  notifications?: string;
  /** The Orders API's OpenAPI (Swagger) UI. */
  openApi?: string;
  /** Orders' live saga page: events between services, queues, orders and their paths. */
  flow?: string;
  /** The management UI's queue list, filtered on the store's vhost. */
  rabbitmqUi: string;
  /** The in-process mail sink's web page (absent with an external SMTP server). */
  mailUi?: string;
}

export interface RunningStore {
  readonly namespace: string;
  readonly urls: StoreUrls;
  /** The services this store runs (all five unless `services` chose a subset). */
  readonly services: Partial<Record<Service, RunningService>>;
  /** The AMQP URL on the store's vhost. */
  readonly rabbitmqUrl: string;
  readonly mailSink: MailSink | undefined;
  /** One running service; throws when the store does not run it. */
  service(service: Service): RunningService;
  /** SIGTERM to every service, SIGKILL after 10 s; then closes the mail sink. Idempotent. */
  stop(): Promise<void>;
  /** Sends `signal` to one service and waits until it has exited (failure injection). */
  kill(service: Service, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a service again with the same environment and port; resolves once it is healthy. */
  restart(service: Service): Promise<void>;
  /**
   * Starts one more process of `service` (same database, same queues: a replica competing for the
   * same messages) on a free port, waits until it is healthy; `stop()` stops it too.
   */
  addReplica(service: Service): Promise<RunningService>;
  logFile(service: Service): string;
}

/** Host-side URL of a service, as a user types it. */
const serviceUrl = (port: number) => `http://localhost:${port}`;

/** A live view: pid and port change when the process restarts or first binds a free port. */
function runningService(child: ServiceProcess, databaseUrl: string): RunningService {
  return {
    get pid() {
      return child.pid;
    },
    get port() {
      return child.port;
    },
    get url() {
      return serviceUrl(child.port);
    },
    databaseUrl,
  };
}

/** A URL fit to print: no user name or password. */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

/**
 * Provisions and starts the store: vhost and topology, one database per service with its migrations,
 * the mail sink, then the services (inventory first: it seeds the catalogue) until each answers
 * GET /health with 200. On any failure what was started is stopped again before the error is thrown.
 */
export async function startStore(options: StoreOptions = {}): Promise<RunningStore> {
  const o = resolveStoreOptions(options);
  const progress = o.onProgress;
  const abortable = () => o.signal?.throwIfAborted();

  const entries = new Map(o.services.map((service) => [service, join(o.rootDir, 'apps', service, 'dist', 'main.js')]));
  const missing = [...entries].filter(([, entry]) => !existsSync(entry)).map(([service]) => service);
  if (missing.length) {
    throw new Error(
      `not built: ${missing.map((s) => `apps/${s}/dist/main.js`).join(', ')}; run \`npx turbo run build\` first`,
    );
  }

  await assertFixedPortsFree(o);
  const withSink = !o.smtpUrl;
  if (withSink) {
    if (o.mailSink.smtpPort) await assertPortFree(o.mailSink.smtpPort, 'the mail sink (SMTP)', 'MAIL_SMTP_PORT');
    if (o.mailSink.httpPort) await assertPortFree(o.mailSink.httpPort, 'the mail sink (web UI)', 'MAIL_UI_PORT');
  }
  abortable();

  const rabbitmqUrl = await provisionBroker(o);
  abortable();
  const databaseUrls = await provisionDatabases(o);
  abortable();

  mkdirSync(o.logDir, { recursive: true });
  let mailSink: MailSink | undefined;
  let smtpUrl = o.smtpUrl;
  if (withSink) {
    mailSink = await startMailSink(o.mailSink);
    smtpUrl = mailSink.smtpUrl;
    progress(`mail sink: SMTP ${mailSink.smtpUrl}, web UI ${mailSink.webUrl}`);
  }

  const processes = new Map<Service, ServiceProcess>();
  for (const service of o.services) {
    const port = o.ports[service];
    processes.set(
      service,
      new ServiceProcess(
        {
          service,
          entry: entries.get(service)!,
          cwd: o.rootDir,
          port,
          env: serviceEnvironment(o, service, {
            DATABASE_URL: throughLocalSocket(databaseUrls.get(service)!, o.postgresSocketDir),
            RABBITMQ_URL: rabbitmqUrl,
            ...(service === 'notifications' && smtpUrl ? { SMTP_URL: smtpUrl } : {}),
            // The flow page reads queue depths and rates there (on the vhost of RABBITMQ_URL).
            ...(service === 'orders' ? { RABBITMQ_MANAGEMENT_URL: o.servers.rabbitmqManagementUrl } : {}),
          }),
          logFile: join(o.logDir, `${service}.log`),
          healthTimeoutMs: o.healthTimeoutMs,
        },
        progress,
      ),
    );
  }

  const store = new Store(o, rabbitmqUrl, databaseUrls, processes, mailSink);
  try {
    const first = o.services.filter((s) => s === 'inventory');
    const rest = o.services.filter((s) => s !== 'inventory');
    for (const group of [first, rest]) {
      await Promise.all(group.map((service) => store.launch(service)));
    }
  } catch (error) {
    await store.stop();
    throw error;
  }
  progress(`store "${o.namespace}" is up: ${o.services.join(', ')}`);
  return store;
}

/** The child's whole environment: the system basics, the store's own variables, then the extras. */
function serviceEnvironment(
  o: ResolvedStoreOptions,
  service: Service,
  own: Record<string, string>,
): Record<string, string> {
  const basics: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'NODE_ENV', 'LOG_LEVEL']) {
    const value = process.env[name];
    if (value !== undefined) basics[name] = value;
  }
  return { ...basics, ...own, ...o.env, ...o.serviceEnv[service] };
}

/** The fixed ports must be free and distinct; a service on port 0 binds a free port itself. */
async function assertFixedPortsFree(o: ResolvedStoreOptions): Promise<void> {
  const taken = new Map<number, Service>();
  for (const service of o.services) {
    const port = o.ports[service];
    if (port === 0) continue;
    const other = taken.get(port);
    if (other) throw new Error(`${other} and ${service} are both set to port ${port}`);
    taken.set(port, service);
    await assertPortFree(port, service, portVariable(service));
  }
}

async function provisionBroker(o: ResolvedStoreOptions): Promise<string> {
  const management = new RabbitManagement(o.servers.rabbitmqManagementUrl);
  const user = decodeURIComponent(new URL(o.servers.rabbitmqUrl).username || 'guest');
  o.onProgress(`RabbitMQ: vhost "${o.namespace}", exchange and queues`);
  try {
    // A broker out of file handles never answers the services' connections: say so now, plainly.
    await assertBrokerFileHandles(management);
    await management.ensureVhost(o.namespace, user);
  } catch (error) {
    if (error instanceof BrokerOutOfFileHandlesError) throw error;
    throw new Error(
      `RabbitMQ management API at ${withoutCredentials(o.servers.rabbitmqManagementUrl)} failed: ${(error as Error).message} ` +
        '(is RabbitMQ running with the rabbitmq_management plugin? set RABBITMQ_MANAGEMENT_URL)',
      { cause: error },
    );
  }
  const rabbitmqUrl = withVhost(o.servers.rabbitmqUrl, o.namespace);
  // Declared with the settings the services will declare them with (a queue re-declared with other
  // arguments is refused by the broker), read by messaging's own parser from the same variables.
  const settings = messagingOptionsFromEnv({ service: 'orders' }, { ...o.env, DATABASE_URL: 'unused' });
  try {
    await declareStoreTopology(rabbitmqUrl, {
      exchange: settings.exchange,
      deliveryLimit: settings.deliveryLimit,
      maxLength: settings.queueMaxLength,
      retryDelaysMs: allRetryDelaysMs(settings.retry),
    });
  } catch (error) {
    throw new Error(
      `RabbitMQ at ${withoutCredentials(rabbitmqUrl)} refused the store's topology: ${(error as Error).message} ` +
        '(check RABBITMQ_URL; queues declared earlier with other settings go away with --reset)',
      { cause: error },
    );
  }
  return rabbitmqUrl;
}

async function provisionDatabases(o: ResolvedStoreOptions): Promise<Map<Service, string>> {
  o.onProgress(`PostgreSQL: one database and role per service, migrations`);
  const results = await Promise.allSettled(
    o.services.map(async (service) => {
      let url: string;
      try {
        url = await provisionServiceDatabase(o.servers.postgresUrl, o.namespace, service);
      } catch (error) {
        throw new Error(
          `PostgreSQL at ${withoutCredentials(o.servers.postgresUrl)}: cannot create ${databaseName(o.namespace, service)}: ` +
            `${(error as Error).message} (set POSTGRES_URL to a role that may create databases and roles)`,
          { cause: error },
        );
      }
      await migrate(join(o.rootDir, 'apps', service), url);
      o.onProgress(`  ${databaseName(o.namespace, service)}: migrated`);
      return [service, url] as const;
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return new Map(results.map((r) => (r as PromiseFulfilledResult<readonly [Service, string]>).value));
}

class Store implements RunningStore {
  readonly namespace: string;
  readonly urls: StoreUrls;
  readonly services: Partial<Record<Service, RunningService>> = {};
  private stopping: Promise<void> | undefined;
  private readonly replicas: ServiceProcess[] = [];
  private readonly killOnExit = () => {
    for (const process of [...this.processes.values(), ...this.replicas]) process.killNow();
  };

  constructor(
    private readonly o: ResolvedStoreOptions,
    readonly rabbitmqUrl: string,
    databaseUrls: Map<Service, string>,
    private readonly processes: Map<Service, ServiceProcess>,
    readonly mailSink: MailSink | undefined,
  ) {
    this.namespace = o.namespace;
    const urls: StoreUrls = {
      rabbitmqUi: `${withoutCredentials(o.servers.rabbitmqManagementUrl)}/#/queues/${encodeURIComponent(o.namespace)}`,
      mailUi: mailSink?.webUrl,
    };
    for (const [service, child] of processes) {
      this.services[service] = runningService(child, databaseUrls.get(service)!);
      // A service on a free port knows its port once it has started.
      Object.defineProperty(urls, service, { enumerable: true, get: () => serviceUrl(child.port) });
    }
    if (processes.has('orders')) {
      Object.defineProperties(urls, {
        openApi: { enumerable: true, get: () => `${urls.orders}/docs` },
        flow: { enumerable: true, get: () => `${urls.orders}/flow/` },
      });
    }
    this.urls = urls;
    // Services run in process groups of their own: should the launcher die, they must not outlive it.
    process.once('exit', this.killOnExit);
  }

  service(service: Service): RunningService {
    const running = this.services[service];
    if (!running) throw new Error(`store "${this.namespace}" does not run ${service}`);
    return running;
  }

  logFile(service: Service): string {
    return this.process(service).spec.logFile;
  }

  /** Starts one service and waits until it is healthy. */
  async launch(service: Service): Promise<void> {
    const child = this.process(service);
    child.start();
    const since = Date.now();
    this.o.onProgress(
      `starting ${service} on :${child.port} (pid ${child.pid ?? '?'}, log ${displayPath(child.spec.logFile)})`,
    );
    await child.waitHealthy(this.o.signal);
    this.o.onProgress(`${service} healthy in ${((Date.now() - since) / 1000).toFixed(1)} s on :${child.port}`);
  }

  async kill(service: Service, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process(service).kill(signal);
  }

  async restart(service: Service): Promise<void> {
    const child = this.process(service);
    if (child.running) await child.stop();
    await this.launch(service);
  }

  async addReplica(service: Service): Promise<RunningService> {
    const original = this.process(service);
    const index = this.replicas.filter((r) => r.service === service).length + 2;
    const replica = new ServiceProcess(
      { ...original.spec, port: 0, logFile: original.spec.logFile.replace(/\.log$/, `-${index}.log`) },
      this.o.onProgress,
    );
    this.replicas.push(replica);
    replica.start();
    await replica.waitHealthy(this.o.signal);
    this.o.onProgress(`${service} replica ${index} healthy on :${replica.port}`);
    return runningService(replica, this.service(service).databaseUrl);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([...this.processes.values(), ...this.replicas].map((child) => child.stop()));
      await this.mailSink?.close();
      process.removeListener('exit', this.killOnExit);
    })();
    return this.stopping;
  }

  private process(service: Service): ServiceProcess {
    const child = this.processes.get(service);
    if (!child) throw new Error(`store "${this.namespace}" does not run ${service}`);
    return child;
  }
}
