import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { VHOST } from './broker-definitions';
import { loadComposeProject, parsePort, type ComposeProject, type ServiceSpec } from './compose-file';
import { readEnvFile } from './env-file';
import { repoRoot, SERVICES } from './repo';
import { defaultPortOf } from './service-facts';

/**
 * The `observability` profile of docker-compose.yml (Prometheus, Grafana and Jaeger), read as
 * `docker compose --profile observability` reads it, checked against the services and the broker:
 * every service scraped on the port it listens on, RabbitMQ's Prometheus plugin enabled and scraped,
 * Grafana provisioned with Prometheus and the dashboard. (The dashboard's metric names are checked
 * against what the services and the broker really expose in observability.int.spec.ts.)
 */

const root = repoRoot();
const env = readEnvFile(join(root, '.env.example'));
const files = [join(root, 'docker-compose.yml')];
const clusterFiles = [...files, join(root, 'docker-compose.cluster.yml')];
const PROFILE = { profiles: ['observability'] };
const base = loadComposeProject(files, env, PROFILE);
const cluster = loadComposeProject(clusterFiles, env, PROFILE);

interface ScrapeConfig {
  job_name: string;
  metrics_path?: string;
  params?: Record<string, string[]>;
  static_configs?: Array<{ targets: string[] }>;
  dns_sd_configs?: Array<{ names: string[]; type: string; port: number }>;
}

const readYaml = <T>(path: string): T => yaml.load(readFileSync(join(root, path), 'utf8')) as T;

/** The host file a service mounts at `target`. */
function mountedAt(spec: ServiceSpec, target: string): string | undefined {
  return spec.volumes.map((v) => v.split(':')).find(([, to]) => to === target)?.[0];
}

/** Every scrape job Prometheus of `project` loads: its config file plus the scrape files it includes. */
function scrapeJobs(project: ComposeProject): ScrapeConfig[] {
  const prometheus = project.services.prometheus!;
  const configFile = /--config\.file=(\S+)/.exec((prometheus.command as string[]).join(' '))![1]!;
  const config = readYaml<{ scrape_configs?: ScrapeConfig[]; scrape_config_files?: string[] }>(
    mountedAt(prometheus, configFile)!,
  );
  const jobs = [...(config.scrape_configs ?? [])];
  for (const pattern of config.scrape_config_files ?? []) {
    const dir = posix.dirname(pattern);
    const included = prometheus.volumes
      .map((v) => v.split(':'))
      .filter(([, to]) => posix.dirname(to!) === dir && globMatches(pattern, to!));
    expect(included.length, `files mounted for ${pattern}`).toBeGreaterThan(0);
    for (const [from] of included) jobs.push(...readYaml<{ scrape_configs: ScrapeConfig[] }>(from!).scrape_configs);
  }
  return jobs;
}

/** A Prometheus file glob (`*` within one folder) as a test of a path. */
const globMatches = (pattern: string, path: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`).test(path);

const job = (project: ComposeProject, name: string) => scrapeJobs(project).find((j) => j.job_name === name);

describe('the observability profile', () => {
  it('adds Prometheus, Grafana and Jaeger only when the profile is asked for', () => {
    const plain = loadComposeProject(files, env);
    expect(plain.services).not.toHaveProperty('prometheus');
    expect(plain.services).not.toHaveProperty('grafana');
    expect(plain.services).not.toHaveProperty('jaeger');
    for (const name of ['prometheus', 'grafana', 'jaeger']) {
      expect(base.services[name]!.profiles, name).toEqual(['observability']);
      expect(base.services[name]!.image, name).toMatch(/:v?\d+\.\d+\.\d+$/);
    }
  });

  it('publishes Prometheus on 9090 and Grafana on 3030, clashing with no other port', () => {
    for (const project of [base, cluster]) {
      const published = Object.values(project.services).flatMap((s) =>
        s.ports.map((p) => parsePort(p).host).filter((host) => host !== undefined),
      );
      expect(new Set(published).size).toBe(published.length);
    }
    expect(base.services.prometheus!.ports.map(parsePort)).toEqual([{ host: 9090, container: 9090 }]);
    expect(base.services.grafana!.ports.map(parsePort)).toEqual([{ host: 3030, container: 3000 }]);
    expect(base.services.jaeger!.ports.map(parsePort)).toEqual([{ host: 16686, container: 16686 }]);
  });

  it("sends every service's spans to Jaeger's OTLP/HTTP receiver with the endpoint .env.example gives", () => {
    // Off unless asked for: tracing costs CPU per message, and nothing may listen for it.
    for (const service of SERVICES) expect(base.services[service]!.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('');
    const suggested = /^# OTEL_EXPORTER_OTLP_ENDPOINT=(\S+)$/m.exec(
      readFileSync(join(root, '.env.example'), 'utf8'),
    )![1]!;
    const endpoint = new URL(suggested);
    const traced = loadComposeProject(files, { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: suggested }, PROFILE);
    for (const service of SERVICES) {
      expect(traced.services[service]!.environment.OTEL_EXPORTER_OTLP_ENDPOINT, service).toBe(suggested);
    }
    // Jaeger's OTLP/HTTP receiver, on all interfaces (its default is localhost, unreachable from the services).
    expect(traced.services).toHaveProperty(endpoint.hostname);
    expect([endpoint.protocol, endpoint.port]).toEqual(['http:', '4318']);
    expect(traced.services.jaeger!.command).toContain('--set=receivers.otlp.protocols.http.endpoint=0.0.0.0:4318');
  });

  it.each(SERVICES)("scrapes %s's /metrics on the port it listens on, every replica", (service) => {
    const port = Number(base.services[service]!.environment.PORT);
    expect(port).toBe(defaultPortOf(root, service));
    for (const project of [base, cluster]) {
      const scrape = job(project, service)!;
      expect(scrape, `job ${service}`).toBeTruthy();
      expect(scrape.metrics_path ?? '/metrics').toBe('/metrics');
      // A/AAAA lookups of the compose service name return every container of it (replicas too).
      expect(scrape.dns_sd_configs).toEqual([{ names: [service], type: 'A', port }]);
    }
  });

  it('enables RabbitMQ’s Prometheus plugin on every node and scrapes each, totals and per queue', () => {
    const plugins = readFileSync(join(root, 'infra/rabbitmq/enabled_plugins'), 'utf8');
    expect(
      /^\[([^\]]*)\]\.\s*$/
        .exec(plugins)![1]!
        .split(',')
        .map((p) => p.trim()),
    ).toEqual(expect.arrayContaining(['rabbitmq_management', 'rabbitmq_prometheus']));
    const nodes = { base: ['rabbitmq'], cluster: ['rabbitmq', 'rabbitmq-2', 'rabbitmq-3'] };
    for (const [project, names] of [
      [base, nodes.base],
      [cluster, nodes.cluster],
    ] as const) {
      for (const node of names) {
        expect(mountedAt(project.services[node]!, '/etc/rabbitmq/enabled_plugins'), node).toBe(
          './infra/rabbitmq/enabled_plugins',
        );
      }
      const targets = names.map((node) => `${project.services[node]!.hostname}:15692`);
      const totals = job(project, 'rabbitmq')!;
      expect(totals.metrics_path ?? '/metrics').toBe('/metrics');
      expect(totals.static_configs!.flatMap((c) => c.targets)).toEqual(targets);
      const queues = job(project, 'rabbitmq-queues')!;
      expect(queues.metrics_path).toBe('/metrics/detailed');
      expect(queues.params).toEqual({ vhost: [VHOST], family: ['queue_coarse_metrics'] });
      expect(queues.static_configs!.flatMap((c) => c.targets)).toEqual(targets);
    }
  });

  it('provisions Grafana with this Prometheus and loads the dashboard it is given', () => {
    const grafana = base.services.grafana!;
    expect(grafana.depends_on.prometheus!.condition).toBe('service_healthy');
    const provisioning = mountedAt(grafana, '/etc/grafana/provisioning')!;
    const { datasources } = readYaml<{ datasources: Array<{ uid: string; type: string; url: string }> }>(
      join(provisioning, 'datasources/prometheus.yml'),
    );
    const url = new URL(datasources[0]!.url);
    expect([datasources[0]!.type, url.hostname, Number(url.port)]).toEqual([
      'prometheus',
      'prometheus',
      parsePort(base.services.prometheus!.ports[0]!).container,
    ]);
    const { providers } = readYaml<{ providers: Array<{ options: { path: string } }> }>(
      join(provisioning, 'dashboards/loja.yml'),
    );
    const dashboardsDir = mountedAt(grafana, providers[0]!.options.path)!;
    const home = grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(posix.dirname(home)).toBe(providers[0]!.options.path);
    const dashboardFile = join(root, dashboardsDir, posix.basename(home));
    expect(existsSync(dashboardFile)).toBe(true);
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
      panels: Array<{ type: string; datasource?: { uid: string }; targets?: unknown[] }>;
    };
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid).toBe(datasources[0]!.uid);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
  });
});
