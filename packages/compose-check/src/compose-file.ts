import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

/**
 * Loads compose files the way `docker compose -f a.yml -f b.yml config` reads them, for what the
 * checks need: YAML with anchors and merge keys, `${VAR}` interpolation from an env file, the
 * `!reset`/`!override` tags, and the spec's merge rules for override files.
 */

const RESET = Symbol('!reset');
class Override {
  constructor(readonly value: unknown) {}
}

const composeSchema = yaml.DEFAULT_SCHEMA.extend(
  (['scalar', 'sequence', 'mapping'] as const).flatMap((kind) => [
    new yaml.Type('!reset', { kind, construct: () => RESET }),
    new yaml.Type('!override', { kind, construct: (data) => new Override(data) }),
  ]),
);

export interface HealthcheckSpec {
  test?: string[] | string;
  interval?: string;
  timeout?: string;
  retries?: number;
  start_period?: string;
}

export interface ServiceSpec {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string>; target?: string };
  hostname?: string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment: Record<string, string>;
  ports: string[];
  volumes: string[];
  depends_on: Record<string, { condition?: string }>;
  healthcheck?: HealthcheckSpec;
  restart?: string;
  deploy?: { replicas?: number };
  /** The profiles that start it; a service with none always starts. */
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
}

export interface ComposeProject {
  name?: string;
  services: Record<string, ServiceSpec>;
  volumes: Record<string, unknown>;
  /** Every variable the files interpolate, with whether a value is required (`${X:?…}`). */
  variables: Map<string, { required: boolean; hasDefault: boolean }>;
}

export class InterpolationError extends Error {}

const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Compose interpolation of one string: `${X}`, `${X:-d}`, `${X-d}`, `${X:?e}`, `${X?e}`, `${X:+a}`, `$X`, `$$`. */
export function interpolate(
  text: string,
  env: Record<string, string | undefined>,
  seen?: ComposeProject['variables'],
): string {
  const escaped = text.split('$$');
  return escaped
    .map((part) =>
      part.replace(VARIABLE, (_match, braced: string | undefined, op: string | undefined, arg = '', bare?: string) => {
        const name = (braced ?? bare)!;
        const value = env[name];
        const required = op === ':?' || op === '?';
        const hasDefault = op === ':-' || op === '-';
        const previous = seen?.get(name);
        seen?.set(name, {
          required: required || (previous?.required ?? false),
          hasDefault: hasDefault || (previous?.hasDefault ?? false),
        });
        const unsetOrEmpty = value === undefined || value === '';
        switch (op) {
          case ':-':
            return unsetOrEmpty ? interpolate(arg, env, seen) : value!;
          case '-':
            return value === undefined ? interpolate(arg, env, seen) : value;
          case ':?':
            if (unsetOrEmpty) throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
            return value!;
          case '?':
            if (value === undefined)
              throw new InterpolationError(`required variable ${name} is missing a value: ${arg}`);
            return value;
          case ':+':
            return unsetOrEmpty ? '' : interpolate(arg, env, seen);
          default:
            return value ?? '';
        }
      }),
    )
    .join('$');
}

function mapStrings(value: unknown, f: (s: string) => string): unknown {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value instanceof Override) return new Override(mapStrings(value.value, f));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Override);

/** `environment` and `depends_on` may be lists; the merge rules work on their map form. */
function normalizeService(raw: Record<string, unknown>): Record<string, unknown> {
  const service = { ...raw };
  if (Array.isArray(service.environment)) {
    service.environment = Object.fromEntries(
      (service.environment as string[]).map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  if (Array.isArray(service.depends_on)) {
    service.depends_on = Object.fromEntries(
      (service.depends_on as string[]).map((name) => [name, { condition: 'service_started' }]),
    );
  }
  if (typeof service.build === 'string') service.build = { context: service.build };
  return service;
}

const REPLACED_SEQUENCES = new Set(['command', 'entrypoint', 'test']);
const mountTarget = (volume: unknown) => (typeof volume === 'string' ? (volume.split(':')[1] ?? volume) : volume);

/** The compose spec's merge of an override file into a base: maps merge, most sequences append. */
function merge(base: unknown, override: unknown, key = ''): unknown {
  if (override === RESET) return undefined;
  if (override instanceof Override) return override.value;
  if (isPlainObject(base) && isPlainObject(override)) {
    const result: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(override)) {
      const merged = merge(base[k], v, k);
      if (merged === undefined) delete result[k];
      else result[k] = merged;
    }
    return result;
  }
  if (Array.isArray(base) && Array.isArray(override) && !REPLACED_SEQUENCES.has(key)) {
    if (key === 'volumes') {
      const byTarget = new Map(base.map((v) => [mountTarget(v), v]));
      for (const v of override) byTarget.set(mountTarget(v), v);
      return [...byTarget.values()];
    }
    return [...new Set([...base, ...override])];
  }
  return override;
}

function stripMarkers(value: unknown): unknown {
  if (value === RESET) return undefined;
  if (value instanceof Override) return stripMarkers(value.value);
  if (Array.isArray(value)) return value.map(stripMarkers);
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .map(([k, v]) => [k, stripMarkers(v)])
        .filter(([, v]) => v !== undefined),
    );
  }
  return value;
}

/**
 * Reads and merges compose files (later ones override earlier ones), interpolating from `env`. Like
 * `docker compose --profile <p>`, keeps the services without profiles and those of `profiles`.
 */
export function loadComposeProject(
  files: string[],
  env: Record<string, string | undefined>,
  { profiles = [] }: { profiles?: string[] } = {},
): ComposeProject {
  const variables: ComposeProject['variables'] = new Map();
  let merged: Record<string, unknown> = {};
  for (const file of files) {
    const parsed = yaml.load(readFileSync(file, 'utf8'), { schema: composeSchema, filename: file });
    if (!isPlainObject(parsed)) throw new Error(`${file} is not a YAML mapping`);
    const document = mapStrings(parsed, (s) => interpolate(s, env, variables)) as Record<string, unknown>;
    // Top-level `x-*` keys are only anchors' homes.
    for (const key of Object.keys(document)) if (key.startsWith('x-')) delete document[key];
    const services = (document.services ?? {}) as Record<string, Record<string, unknown>>;
    document.services = Object.fromEntries(
      Object.entries(services).map(([name, service]) => [name, normalizeService(service)]),
    );
    merged = merge(merged, document) as Record<string, unknown>;
  }
  const project = stripMarkers(merged) as Record<string, unknown>;
  const active = (s: Record<string, unknown>) =>
    !Array.isArray(s.profiles) || (s.profiles as string[]).some((p) => profiles.includes(p));
  const services = Object.fromEntries(
    Object.entries((project.services ?? {}) as Record<string, Record<string, unknown>>)
      .filter(([, s]) => active(s))
      .map(([name, s]) => [
        name,
        {
          ...s,
          environment: Object.fromEntries(
            Object.entries((s.environment ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]),
          ),
          ports: ((s.ports ?? []) as unknown[]).map(String),
          volumes: ((s.volumes ?? []) as unknown[]).map(String),
          depends_on: (s.depends_on ?? {}) as ServiceSpec['depends_on'],
        } as ServiceSpec,
      ]),
  );
  return {
    name: project.name as string | undefined,
    services,
    volumes: (project.volumes ?? {}) as Record<string, unknown>,
    variables,
  };
}

/** `HOST:CONTAINER[/proto]` (optionally `IP:HOST:CONTAINER`) → numbers; a bare `CONTAINER` publishes nothing fixed. */
export function parsePort(spec: string): { host?: number; container: number } {
  const [mapping] = spec.split('/');
  const parts = mapping!.split(':');
  const container = Number(parts.at(-1));
  const host = parts.length >= 2 ? Number(parts.at(-2)) : undefined;
  return { host, container };
}

/** The command a healthcheck runs, as argv (CMD) or a shell string (CMD-SHELL). */
export function healthcheckCommand(healthcheck: HealthcheckSpec | undefined): { argv?: string[]; shell?: string } {
  const test = healthcheck?.test;
  if (!test) return {};
  if (typeof test === 'string') return { shell: test };
  const [kind, ...rest] = test;
  if (kind === 'CMD') return { argv: rest };
  if (kind === 'CMD-SHELL') return { shell: rest.join(' ') };
  return {};
}
