import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { messagingOptionsFromEnv } from '@loja/messaging';
import { DELIVERY_LIMIT, QUEUE_MAX_LENGTH, VHOST } from './broker-definitions';
import { healthcheckCommand, loadComposeProject, parsePort, type ComposeProject } from './compose-file';
import { parseDockerfile } from './dockerfile';
import { readEnvFile } from './env-file';
import { repoRoot, SERVICES, type Service } from './repo';
import { defaultPortOf, envReadBy, processEnvReads, type EnvReads } from './service-facts';

/**
 * docker-compose.yml and docker-compose.cluster.yml, read as `docker compose` reads them (with the
 * committed .env.example as .env), checked against what the services' code reads and serves.
 */

const root = repoRoot();
const env = readEnvFile(join(root, '.env.example'));
const base = loadComposeProject([join(root, 'docker-compose.yml')], env);
const cluster = loadComposeProject([join(root, 'docker-compose.yml'), join(root, 'docker-compose.cluster.yml')], env);
const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));

const messagingEnv = (e: NodeJS.ProcessEnv) => messagingOptionsFromEnv({ service: 'orders' }, e);

interface ServiceEnv {
  config: EnvReads & { parse: (e: NodeJS.ProcessEnv) => unknown };
  messaging: EnvReads;
  /** Everything the service's code reads from the environment. */
  allowed: Set<string>;
}

const serviceEnv = new Map<Service, ServiceEnv>();

beforeAll(async () => {
  const runtimeLibraries = ['service-kit', 'messaging', 'contracts'].map((p) => join(root, 'packages', p, 'src'));
  for (const service of SERVICES) {
    const configFile = join(root, 'apps', service, 'src', 'config', `${service}.config.ts`);
    const module = (await import(configFile)) as Record<string, unknown>;
    const parse = Object.entries(module).find(
      ([name, value]) => name.endsWith('ConfigFromEnv') && typeof value === 'function',
    )?.[1] as ((e: NodeJS.ProcessEnv) => unknown) | undefined;
    if (!parse) throw new Error(`${configFile} exports no <service>ConfigFromEnv function`);
    const config = { ...envReadBy(parse), parse };
    const messaging = envReadBy(messagingEnv);
    const allowed = new Set([
      ...config.read,
      ...messaging.read,
      ...processEnvReads([join(root, 'apps', service, 'src'), ...runtimeLibraries]),
    ]);
    serviceEnv.set(service, { config, messaging, allowed });
  }
});

const passwordVariables = Object.keys(env).filter((k) => k.endsWith('_PASSWORD') || k.endsWith('_COOKIE'));

describe('docker-compose.yml', () => {
  it('runs the broker, the database, the mail catcher and the five services, nothing else', () => {
    expect(Object.keys(base.services).sort()).toEqual(
      ['mailpit', 'postgres', 'rabbitmq', 'rabbitmq-definitions', ...SERVICES].sort(),
    );
    expect(base.services.rabbitmq!.image).toMatch(/^rabbitmq:4(\.\d+)*-management$/);
    expect(base.services.postgres!.image).toMatch(/^postgres:(1[7-9]|[2-9]\d)(\.\d+)?(-[a-z0-9]+)?$/);
    expect(base.services.mailpit!.image).toMatch(/^axllent\/mailpit:/);
  });

  it('publishes the ports a user needs and no other', () => {
    const published = Object.entries(base.services).flatMap(([name, s]) =>
      s.ports.map((p) => ({ name, ...parsePort(p) })).filter((p) => p.host !== undefined),
    );
    expect(published.sort((a, b) => a.host! - b.host!)).toEqual([
      { name: 'orders', host: 3000, container: 3000 },
      { name: 'mailpit', host: 8025, container: 8025 },
      { name: 'rabbitmq', host: 15672, container: 15672 },
    ]);
    expect(base.services.orders!.environment.PORT).toBe('3000');
  });

  it.each(SERVICES)('builds %s from the one Dockerfile with APP naming its workspace', (service) => {
    const build = base.services[service]!.build!;
    expect(build.context).toBe('.');
    expect(existsSync(join(root, build.dockerfile ?? 'Dockerfile'))).toBe(true);
    expect(build.args).toEqual({ APP: service });
    const manifest = JSON.parse(readFileSync(join(root, 'apps', build.args!.APP!, 'package.json'), 'utf8')) as {
      name: string;
      scripts: Record<string, string>;
    };
    expect(manifest.name).toBe(`@loja/${service}`);
    expect(manifest.scripts.build).toBeTruthy();
    // Every stage that uses ${APP} declares it (a global ARG is not visible inside a stage).
    for (const stage of dockerfile.stages) {
      if (stage.instructions.some((i) => i.args.includes('${APP}') && i.keyword !== 'ARG')) {
        expect(
          stage.instructions.some((i) => i.keyword === 'ARG' && i.args.split('=')[0] === 'APP'),
          `stage ${stage.name} declares ARG APP`,
        ).toBe(true);
      }
    }
  });

  it.each(SERVICES)('gives %s every variable its code requires, and only variables it reads', (service) => {
    const { config, messaging, allowed } = serviceEnv.get(service)!;
    const environment = base.services[service]!.environment;
    for (const name of [...config.required, ...messaging.required]) expect(environment, name).toHaveProperty(name);
    for (const name of Object.keys(environment)) expect(allowed.has(name), `${service} reads ${name}`).toBe(true);
    // The service's own validation accepts what compose gives it.
    expect(() => config.parse(environment)).not.toThrow();
    expect(() => messagingEnv(environment)).not.toThrow();
    // Queue arguments are pre-declared with messaging's defaults; a different value would not match them.
    expect(environment.MESSAGING_DELIVERY_LIMIT ?? String(DELIVERY_LIMIT)).toBe(String(DELIVERY_LIMIT));
    expect(environment.MESSAGING_QUEUE_MAX_LENGTH ?? String(QUEUE_MAX_LENGTH)).toBe(String(QUEUE_MAX_LENGTH));
    expect(environment.EVENTS_EXCHANGE ?? 'loja.events').toBe('loja.events');
  });

  it.each(SERVICES)('connects %s with its own database role and broker user, on the store vhost', (service) => {
    const environment = base.services[service]!.environment;
    const database = new URL(environment.DATABASE_URL!);
    expect(database.protocol).toBe('postgresql:');
    expect([database.hostname, database.port, database.username, database.pathname]).toEqual([
      'postgres',
      '5432',
      service,
      `/${service}`,
    ]);
    expect(decodeURIComponent(database.password)).toBe(env[`POSTGRES_${service.toUpperCase()}_PASSWORD`]);
    const broker = new URL(environment.RABBITMQ_URL!);
    expect(broker.protocol).toBe('amqp:');
    expect([broker.hostname, broker.port, broker.username, decodeURIComponent(broker.pathname)]).toEqual([
      'rabbitmq',
      '5672',
      service,
      `/${VHOST}`,
    ]);
    expect(decodeURIComponent(broker.password)).toBe(env[`RABBITMQ_${service.toUpperCase()}_PASSWORD`]);
    // No other secret reaches the service.
    const own = new Set([`POSTGRES_${service.toUpperCase()}_PASSWORD`, `RABBITMQ_${service.toUpperCase()}_PASSWORD`]);
    const values = Object.values(environment).join('\n');
    for (const variable of passwordVariables.filter((v) => !own.has(v))) {
      expect(values.includes(env[variable]!), `${service} gets ${variable}`).toBe(false);
    }
  });

  it('sends notifications through the mail catcher and sets the shipping delay of logistics', () => {
    const smtp = new URL(base.services.notifications!.environment.SMTP_URL!);
    expect([smtp.protocol, smtp.hostname, smtp.port]).toEqual(['smtp:', 'mailpit', '1025']);
    expect(base.services.logistics!.environment.SHIPPING_DELAY_MS).toMatch(/^\d+$/);
  });

  it.each(SERVICES)('health-checks %s on the port it listens on, at GET /health', (service) => {
    const spec = base.services[service]!;
    const port = Number(spec.environment.PORT);
    expect(port).toBe(defaultPortOf(root, service));
    const { argv } = healthcheckCommand(spec.healthcheck);
    expect(argv?.slice(0, 2)).toEqual(['node', '/app/healthcheck.js']);
    const url = new URL(argv![2]!);
    expect([url.hostname, Number(url.port), url.pathname]).toEqual(['127.0.0.1', port, '/health']);
    // messaging's HealthController serves it; the image has the script where the healthcheck runs it.
    const controller = readFileSync(join(root, 'packages/messaging/src/health/health.controller.ts'), 'utf8');
    expect(controller).toMatch(/@Controller\('health'\)[\s\S]*@Get\(\)/);
    const runtime = dockerfile.stages.at(-1)!;
    const copy = runtime.instructions.find(
      (i) => i.keyword === 'COPY' && i.args.startsWith('infra/docker/healthcheck.js'),
    );
    const workdir = runtime.instructions.filter((i) => i.keyword === 'WORKDIR' && i.line < copy!.line).at(-1)!.args;
    expect(posix.resolve(workdir, copy!.args.split(/\s+/)[1]!)).toBe('/app/healthcheck.js');
  });

  it('starts every service after its dependencies are healthy, and restarts what stops', () => {
    for (const service of SERVICES) {
      const dependsOn = base.services[service]!.depends_on;
      const expected = service === 'notifications' ? ['mailpit', 'postgres', 'rabbitmq'] : ['postgres', 'rabbitmq'];
      expect(Object.keys(dependsOn).sort(), service).toEqual(expected);
      for (const condition of Object.values(dependsOn)) expect(condition.condition).toBe('service_healthy');
    }
    expect(base.services.rabbitmq!.depends_on['rabbitmq-definitions']!.condition).toBe(
      'service_completed_successfully',
    );
    for (const [name, spec] of Object.entries(base.services)) {
      if (name === 'rabbitmq-definitions') expect(spec.restart).toBe('no');
      else {
        expect(spec.restart, name).toMatch(/^(unless-stopped|always|on-failure)/);
        expect(
          healthcheckCommand(spec.healthcheck).argv ?? healthcheckCommand(spec.healthcheck).shell,
          name,
        ).toBeTruthy();
      }
    }
  });

  it('takes every credential from .env, never from the repository or an image', () => {
    for (const [name, { required, hasDefault }] of base.variables) {
      expect(Object.keys(env), `.env.example sets ${name}`).toContain(name);
      if (/PASSWORD|COOKIE/.test(name)) expect([name, required, hasDefault]).toEqual([name, true, false]);
    }
    const raw =
      readFileSync(join(root, 'docker-compose.yml'), 'utf8') +
      readFileSync(join(root, 'docker-compose.cluster.yml'), 'utf8');
    for (const variable of passwordVariables) expect(raw.includes(env[variable]!), variable).toBe(false);
    expect(readFileSync(join(root, '.gitignore'), 'utf8').split('\n')).toContain('.env');
    expect(readFileSync(join(root, '.dockerignore'), 'utf8').split('\n')).toContain('.env');
    for (const stage of dockerfile.stages) {
      for (const i of stage.instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
        expect(i.args, `Dockerfile:${i.line}`).not.toMatch(/PASSWORD|SECRET|DATABASE_URL|RABBITMQ_URL|COOKIE/);
      }
    }
  });

  it('initialises PostgreSQL with one database and role per service, passwords from .env', () => {
    const postgres = base.services.postgres!;
    expect(postgres.volumes).toContain('./infra/postgres/initdb:/docker-entrypoint-initdb.d:ro');
    const script = join(root, 'infra/postgres/initdb/10-service-databases.sh');
    accessSync(script, constants.X_OK);
    const text = readFileSync(script, 'utf8');
    expect(/^SERVICES=\(([^)]*)\)/m.exec(text)![1]!.split(/\s+/).sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      const variable = `POSTGRES_${service.toUpperCase()}_PASSWORD`;
      expect(postgres.environment[variable]).toBe(env[variable]);
    }
    expect(postgres.environment.POSTGRES_PASSWORD).toBe(env.POSTGRES_PASSWORD);
    expect(healthcheckCommand(postgres.healthcheck).shell).toContain(`-U ${postgres.environment.POSTGRES_USER}`);
  });

  it('starts RabbitMQ from the definitions the rabbitmq-definitions service renders into their shared volume', () => {
    const broker = base.services.rabbitmq!;
    const renderer = base.services['rabbitmq-definitions']!;
    const conf = readFileSync(join(root, 'infra/rabbitmq/rabbitmq.conf'), 'utf8');
    const loadPath = /^load_definitions\s*=\s*(\S+)$/m.exec(conf)![1]!;
    expect(broker.volumes).toContain('./infra/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-loja.conf:ro');
    const mount = (volumes: string[], volume: string) =>
      volumes.map((v) => v.split(':')).find(([source]) => source === volume)?.[1];
    const brokerDir = mount(broker.volumes, 'rabbitmq-definitions');
    const rendererDir = mount(renderer.volumes, 'rabbitmq-definitions');
    expect(brokerDir && rendererDir).toBeTruthy();
    const command = renderer.command as string[];
    expect(command[1]).toBe('/infra/render-definitions.mjs');
    expect(mount(renderer.volumes, './infra/rabbitmq')).toBe('/infra');
    expect(posix.relative(rendererDir!, command[3]!)).toBe(posix.relative(brokerDir!, loadPath));
    const template = JSON.parse(readFileSync(join(root, 'infra/rabbitmq/definitions.template.json'), 'utf8')) as {
      users: Array<{ password_env: string }>;
    };
    for (const { password_env: variable } of template.users) expect(renderer.environment[variable]).toBe(env[variable]);
    expect(base.volumes).toHaveProperty('rabbitmq-definitions');
  });
});

describe('both compose files', () => {
  // Keys of the Compose Specification these files may use: a misspelt one would be ignored silently.
  const serviceKeys = new Set([
    'image',
    'build',
    'hostname',
    'restart',
    'depends_on',
    'ports',
    'environment',
    'volumes',
    'healthcheck',
    'command',
    'entrypoint',
    'deploy',
    'networks',
    'profiles',
  ]);
  const healthcheckKeys = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval']);
  const conditions = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);

  const observability = { profiles: ['observability'] };
  it.each([
    ['docker-compose.yml', base],
    ['docker-compose.cluster.yml', cluster],
    [
      'docker-compose.yml --profile observability',
      loadComposeProject([join(root, 'docker-compose.yml')], env, observability),
    ],
    [
      'docker-compose.cluster.yml --profile observability',
      loadComposeProject(
        [join(root, 'docker-compose.yml'), join(root, 'docker-compose.cluster.yml')],
        env,
        observability,
      ),
    ],
  ] as const)('%s uses only Compose Specification keys and values', (_file, project) => {
    for (const [name, spec] of Object.entries(project.services)) {
      for (const key of Object.keys(spec)) expect(serviceKeys.has(key), `${name}.${key}`).toBe(true);
      for (const key of Object.keys(spec.healthcheck ?? {})) {
        expect(healthcheckKeys.has(key), `${name}.healthcheck.${key}`).toBe(true);
      }
      for (const [target, { condition }] of Object.entries(spec.depends_on)) {
        expect(project.services, `${name} depends on ${target}`).toHaveProperty([target]);
        expect(conditions.has(condition ?? ''), `${name} -> ${target}: ${condition}`).toBe(true);
        if (condition === 'service_healthy') expect(project.services[target]!.healthcheck, target).toBeTruthy();
      }
      for (const volume of spec.volumes) {
        const [source] = volume.split(':');
        if (source!.startsWith('.')) expect(existsSync(join(root, source!)), volume).toBe(true);
        else expect(project.volumes, volume).toHaveProperty([source!]);
      }
      if (spec.restart !== undefined) expect(spec.restart).toMatch(/^(no|always|unless-stopped|on-failure(:\d+)?)$/);
    }
  });
});

describe('docker-compose.cluster.yml over docker-compose.yml', () => {
  const nodes = ['rabbitmq', 'rabbitmq-2', 'rabbitmq-3'];
  const project: ComposeProject = cluster;

  it('forms a three-node RabbitMQ cluster from the nodes compose starts', () => {
    const conf = readFileSync(join(root, 'infra/rabbitmq/cluster.conf'), 'utf8');
    const seeds = [...conf.matchAll(/^cluster_formation\.classic_config\.nodes\.\d+\s*=\s*(\S+)$/gm)].map((m) => m[1]);
    expect(seeds).toEqual(nodes.map((n) => `rabbit@${project.services[n]!.hostname}`));
    expect(conf).toMatch(/^cluster_formation\.target_cluster_size_hint\s*=\s*3$/m);
    const dataVolumes = new Set<string>();
    for (const node of nodes) {
      const spec = project.services[node]!;
      expect(spec.image, node).toBe(base.services.rabbitmq!.image);
      expect(spec.environment.RABBITMQ_ERLANG_COOKIE, node).toBe(env.RABBITMQ_ERLANG_COOKIE);
      expect(spec.volumes, node).toEqual(
        expect.arrayContaining([
          './infra/rabbitmq/rabbitmq.conf:/etc/rabbitmq/conf.d/20-loja.conf:ro',
          './infra/rabbitmq/cluster.conf:/etc/rabbitmq/conf.d/30-cluster.conf:ro',
          'rabbitmq-definitions:/etc/rabbitmq/definitions:ro',
        ]),
      );
      const data = spec.volumes.find((v) => v.endsWith(':/var/lib/rabbitmq'));
      expect(data, node).toBeTruthy();
      dataVolumes.add(data!.split(':')[0]!);
      expect((spec.networks as Record<string, { aliases?: string[] }>).default!.aliases).toContain('rabbitmq-cluster');
      expect(healthcheckCommand(spec.healthcheck).argv).toBeTruthy();
      expect(spec.depends_on['rabbitmq-definitions']!.condition).toBe('service_completed_successfully');
    }
    expect(dataVolumes.size).toBe(3);
    for (const volume of dataVolumes) expect(project.volumes).toHaveProperty(volume);
  });

  it.each(SERVICES)('runs two replicas of %s on the cluster, publishing no host port of their own', (service) => {
    const spec = project.services[service]!;
    expect(spec.deploy?.replicas).toBe(2);
    expect(spec.ports.filter((p) => parsePort(p).host !== undefined)).toEqual([]);
    const broker = new URL(spec.environment.RABBITMQ_URL!);
    expect([broker.hostname, broker.username, decodeURIComponent(broker.pathname)]).toEqual([
      'rabbitmq-cluster',
      service,
      `/${VHOST}`,
    ]);
    for (const node of nodes) expect(spec.depends_on[node]?.condition, node).toBe('service_healthy');
    expect(spec.environment.DATABASE_URL).toBe(base.services[service]!.environment.DATABASE_URL);
  });

  it('serves the Orders API on the one published port 3000 through a proxy to both replicas', () => {
    const published = Object.entries(project.services).flatMap(([name, s]) =>
      s.ports.map((p) => ({ name, ...parsePort(p) })).filter((p) => p.host !== undefined),
    );
    expect(published.filter((p) => p.host === 3000)).toEqual([{ name: 'orders-proxy', host: 3000, container: 3000 }]);
    expect(new Set(published.map((p) => p.host)).size).toBe(published.length);
    const proxy = project.services['orders-proxy']!;
    expect(proxy.depends_on.orders!.condition).toBe('service_healthy');
    const mount = proxy.volumes.find((v) => v.includes('/etc/nginx/conf.d/'))!;
    const conf = readFileSync(join(root, mount.split(':')[0]!), 'utf8');
    expect(conf).toMatch(new RegExp(`server\\s+orders:${project.services.orders!.environment.PORT}\\b`));
    expect(conf).toMatch(/listen\s+3000;/);
  });
});
