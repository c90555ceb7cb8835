import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_EVENTS } from '@loja/contracts';
import type { Service } from './repo';

/** What a service's code says about itself, read from its sources. */

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'generated' || entry === 'testing' || entry === 'node_modules') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...sourceFiles(path));
    else if (entry.endsWith('.ts') && !entry.endsWith('.spec.ts') && !entry.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** `defaultPort` in the service's main.ts (what it listens on when PORT is not set). */
export function defaultPortOf(root: string, service: Service): number {
  const main = readFileSync(join(root, 'apps', service, 'src', 'main.ts'), 'utf8');
  const match = /defaultPort:\s*(\d+)/.exec(main);
  if (!match) throw new Error(`apps/${service}/src/main.ts sets no defaultPort`);
  return Number(match[1]);
}

/** The event types a service writes to its outbox (`outbox.add(tx, EventDef, ...)`). */
export function publishedEventTypesOf(root: string, service: Service): string[] {
  const types = new Set<string>(ALL_EVENTS.map((e) => e.type));
  const found = new Set<string>();
  for (const file of sourceFiles(join(root, 'apps', service, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/outbox\.add\(\s*[\w.]+\s*,\s*([A-Za-z_]\w*)/g)) {
      if (!types.has(match[1]!))
        throw new Error(`${file}: outbox.add with ${match[1]}, which is not an event of the contracts`);
      found.add(match[1]!);
    }
  }
  return [...found].sort();
}

/** Names read as `process.env.X` / `process.env['X']` in the sources under `dirs`. */
export function processEnvReads(dirs: string[]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/process\.env(?:\.([A-Z][A-Z0-9_]*)|\[['"]([A-Z][A-Z0-9_]*)['"]\])/g)) {
        names.add((match[1] ?? match[2])!);
      }
    }
  }
  return [...names].sort();
}

export interface EnvReads {
  /** Every variable the parser looks at. */
  read: string[];
  /** Those it rejects when absent. */
  required: string[];
}

/**
 * The environment variables a zod-validated config function reads, found by running it on an
 * environment that records every lookup; the required ones are those named in the error it throws
 * when all are absent (`NAME: message; ...`, the format every config function here uses).
 */
export function envReadBy(parse: (env: NodeJS.ProcessEnv) => unknown): EnvReads {
  const read = new Set<string>();
  const recorder = new Proxy({} as NodeJS.ProcessEnv, {
    get(_target, property) {
      if (typeof property === 'string') read.add(property);
      return undefined;
    },
    has(_target, property) {
      if (typeof property === 'string') read.add(property);
      return false;
    },
  });
  const required = new Set<string>();
  try {
    parse(recorder);
  } catch (error) {
    for (const match of (error as Error).message.matchAll(/([A-Z][A-Z0-9_]*): /g)) required.add(match[1]!);
  }
  const names = (set: Set<string>) => [...set].filter((n) => /^[A-Z][A-Z0-9_]*$/.test(n)).sort();
  return { read: names(read), required: names(required) };
}
