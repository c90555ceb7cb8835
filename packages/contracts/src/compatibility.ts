import { z } from 'zod';
import type { EventDefinition } from './define-event';

/**
 * The compatibility gate. A published version of an event must keep accepting every message it
 * accepted: messages of it are in queues, retry queues and DLQs, and consumers of every release read
 * them. Comparing a version's recorded JSON Schema (the baseline) with its schema now, a change is
 * breaking when some message valid before is invalid now, or when the routing key moved.
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
};

/** One version of an event as the baseline records it. */
export interface BaselineEntry {
  type: string;
  version: number;
  routingKey: string;
  /** JSON Schema (draft 2020-12) of the whole envelope. */
  schema: Record<string, unknown>;
}

export type BreakingKind =
  'removed-field' | 'new-required-field' | 'narrowed-type' | 'changed-routing-key' | 'removed-version';

export interface BreakingChange {
  /** `PedidoCriado v1` */
  event: string;
  /** Dotted path in the envelope, `data.customer.email`; `[]` stands for an array's items. */
  field: string;
  kind: BreakingKind;
  detail: string;
}

export interface CompatibilityReport {
  breaking: BreakingChange[];
  /** Versions and compatible changes not in the baseline yet: `npm run schemas -w @loja/contracts` records them. */
  unrecorded: string[];
}

export function baselineEntryOf(definition: EventDefinition): BaselineEntry {
  return {
    type: definition.type,
    version: definition.version,
    routingKey: definition.routingKey,
    schema: z.toJSONSchema(definition.envelope, { target: 'draft-2020-12' }) as Record<string, unknown>,
  };
}

export const baselineFileName = (entry: Pick<BaselineEntry, 'type' | 'version'>) =>
  `${entry.type}.v${entry.version}.json`;

/** Every recorded version against the contracts now. */
export function checkCompatibility(
  baseline: readonly BaselineEntry[],
  current: readonly BaselineEntry[],
): CompatibilityReport {
  const name = (e: Pick<BaselineEntry, 'type' | 'version'>) => `${e.type} v${e.version}`;
  const now = new Map(current.map((entry) => [name(entry), entry]));
  const recorded = new Set(baseline.map(name));
  const breaking: BreakingChange[] = [];
  const unrecorded: string[] = [];
  for (const before of baseline) {
    const event = name(before);
    const after = now.get(event);
    if (!after) {
      breaking.push({ event, field: '', kind: 'removed-version', detail: 'this published version is gone' });
      continue;
    }
    if (after.routingKey !== before.routingKey) {
      breaking.push({
        event,
        field: 'routingKey',
        kind: 'changed-routing-key',
        detail: `${before.routingKey} → ${after.routingKey}`,
      });
    }
    const found = compareSchemas(before.schema as Schema, after.schema as Schema, '');
    breaking.push(...found.map((b) => ({ event, ...b })));
    if (found.length === 0 && JSON.stringify(before.schema) !== JSON.stringify(after.schema)) {
      unrecorded.push(`${event}: compatible change`);
    }
  }
  for (const entry of current) if (!recorded.has(name(entry))) unrecorded.push(`${name(entry)}: new version`);
  return { breaking, unrecorded };
}

export function describeBreakingChange(change: BreakingChange): string {
  return `${change.event}${change.field ? `: ${change.field}` : ''}: ${change.kind} (${change.detail})`;
}

type Found = Omit<BreakingChange, 'event'>;

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** What `after` refuses that `before` accepted, field by field. */
export function compareSchemas(before: Schema, after: Schema, path: string): Found[] {
  const found: Found[] = [];
  const narrowed = (detail: string) => found.push({ field: path, kind: 'narrowed-type', detail });

  const beforeOptions = before.anyOf ?? before.oneOf;
  const afterOptions = after.anyOf ?? after.oneOf;
  if (beforeOptions || afterOptions) {
    // Every shape accepted before must still be accepted by one of the shapes now.
    for (const option of beforeOptions ?? [before]) {
      const candidates = (afterOptions ?? [after]).map((candidate) => compareSchemas(option, candidate, path));
      if (!candidates.some((c) => c.length === 0)) {
        found.push(...(candidates.length === 1 ? candidates[0]! : []));
        if (candidates.length !== 1) narrowed(`no longer accepts ${describeType(option)}`);
      }
    }
    return found;
  }

  const typesBefore = typesOf(before);
  const typesAfter = typesOf(after);
  if (typesAfter) {
    const lost = (typesBefore ?? ['any']).filter(
      (t) => !typesAfter.includes(t) && !(t === 'integer' && typesAfter.includes('number')),
    );
    if (lost.length) narrowed(`${(typesBefore ?? ['any']).join('|')} → ${typesAfter.join('|')}`);
  }
  if (after.const !== undefined && before.const !== after.const) {
    narrowed(`now only ${JSON.stringify(after.const)}`);
  }
  if (after.enum) {
    const accepted = before.enum ?? (before.const !== undefined ? [before.const] : undefined);
    const lost = accepted ? accepted.filter((value) => !after.enum!.includes(value)) : ['any value'];
    if (lost.length) narrowed(`no longer accepts ${lost.map((v) => JSON.stringify(v)).join(', ')}`);
  }
  for (const key of ['pattern', 'format'] as const) {
    if (after[key] !== undefined && after[key] !== before[key]) narrowed(`${key} changed`);
  }
  for (const key of ['minimum', 'exclusiveMinimum', 'minLength', 'minItems'] as const) {
    if (after[key] !== undefined && (before[key] === undefined || after[key] > before[key])) {
      narrowed(`${key} ${before[key] ?? 'none'} → ${after[key]}`);
    }
  }
  for (const key of ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems'] as const) {
    if (after[key] !== undefined && (before[key] === undefined || after[key] < before[key])) {
      narrowed(`${key} ${before[key] ?? 'none'} → ${after[key]}`);
    }
  }
  if (before.items && after.items) found.push(...compareSchemas(before.items, after.items, `${path}[]`));

  if (before.properties || after.properties) {
    const propsBefore = before.properties ?? {};
    const propsAfter = after.properties ?? {};
    const requiredBefore = new Set(before.required ?? []);
    const requiredAfter = new Set(after.required ?? []);
    for (const [key, schema] of Object.entries(propsBefore)) {
      const field = join(path, key);
      const now = propsAfter[key];
      if (!now) {
        if (after.additionalProperties === false) {
          found.push({ field, kind: 'removed-field', detail: 'messages that carry it are refused now' });
        }
        continue;
      }
      if (requiredAfter.has(key) && !requiredBefore.has(key)) {
        found.push({ field, kind: 'new-required-field', detail: 'was optional' });
      }
      found.push(...compareSchemas(schema, now, field));
    }
    for (const key of Object.keys(propsAfter)) {
      if (!propsBefore[key] && requiredAfter.has(key)) {
        found.push({ field: join(path, key), kind: 'new-required-field', detail: 'messages without it are refused' });
      }
    }
    if (after.additionalProperties === false && before.additionalProperties !== false && path !== '') {
      narrowed('no longer accepts unknown fields');
    }
  }
  return found;
}

function typesOf(schema: Schema): string[] | undefined {
  if (schema.type === undefined) return undefined;
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}

function describeType(schema: Schema): string {
  return typesOf(schema)?.join('|') ?? JSON.stringify(schema).slice(0, 60);
}
