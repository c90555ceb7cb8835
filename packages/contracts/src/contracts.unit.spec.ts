import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  createEvent,
  EVERY_EVENT_VERSION,
  InvalidEventError,
  JSON_SCHEMA_FILE,
  parseEvent,
  PedidoCriado,
  renderEventJsonSchemas,
  type EventDefinition,
} from './index';
import { sampleData } from './samples';

const ORDER = '6f1c2b9e-8d1a-4c55-9b0e-3a1f5e2d7c40';
/** One valid payload per event type (the shared samples): the round trip covers every event of the contracts. */
const samples: Record<string, unknown> = Object.fromEntries(
  ALL_EVENTS.map((definition) => [definition.type, sampleData(definition)]),
);

const fieldsOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return (error as InvalidEventError).issues.map((issue) => issue.field);
  }
  throw new Error('expected an InvalidEventError');
};

describe('contracts', () => {
  it.each(ALL_EVENTS.map((d) => [d.type, d] as [string, EventDefinition]))(
    '%s round-trips through bytes',
    (type, definition) => {
      const event = createEvent(definition, samples[type] as never, { source: 'orders', correlationId: ORDER });
      const parsed = parseEvent(Buffer.from(JSON.stringify(event)));
      expect(parsed).toEqual(event);
      expect(parsed).toMatchObject({ type, version: definition.version, causationId: null });
    },
  );

  it('has a unique type and routing key per event, in <aggregate>.<fact> form', () => {
    expect(new Set(ALL_EVENTS.map((d) => d.type)).size).toBe(ALL_EVENTS.length);
    expect(new Set(ALL_EVENTS.map((d) => d.routingKey)).size).toBe(ALL_EVENTS.length);
  });

  it('rejects bytes that are not JSON', () => {
    expect(() => parseEvent('{oops')).toThrow(expect.objectContaining({ reason: 'invalid-json' }));
  });

  it('rejects an envelope with missing or malformed fields, naming each', () => {
    const fields = fieldsOf(() =>
      parseEvent(JSON.stringify({ type: 'PedidoCriado', version: 1, id: 'nope', data: {} })),
    );
    expect(fields).toEqual(expect.arrayContaining(['id', 'occurredAt', 'source', 'correlationId', 'causationId']));
  });

  it('rejects an unknown type or version', () => {
    const event = createEvent(PedidoCriado, samples.PedidoCriado as never, { source: 'orders', correlationId: ORDER });
    expect(() => parseEvent(JSON.stringify({ ...event, type: 'PedidoInventado' }))).toThrow(
      expect.objectContaining({ reason: 'unknown-type' }),
    );
    expect(() => parseEvent(JSON.stringify({ ...event, version: 9 }))).toThrow(
      expect.objectContaining({ reason: 'unknown-type' }),
    );
  });

  it('rejects data that breaks the schema, naming the nested fields, and unknown fields', () => {
    const event = createEvent(PedidoCriado, samples.PedidoCriado as never, { source: 'orders', correlationId: ORDER });
    const bad = {
      ...event,
      data: {
        ...event.data,
        lines: [{ sku: 'TSHIRT-M', name: 'x', quantity: 0, unitPriceCents: 1.5 }],
        customer: { ...event.data.customer, email: 'no' },
      },
      extra: true,
    };
    const fields = fieldsOf(() => parseEvent(JSON.stringify(bad)));
    expect(fields).toEqual(
      expect.arrayContaining(['data.lines.0.quantity', 'data.lines.0.unitPriceCents', 'data.customer.email', '']),
    );
  });

  it('refuses to build an invalid event', () => {
    const fields = fieldsOf(() =>
      createEvent(PedidoCriado, { ...(samples.PedidoCriado as object), totalCents: -1 } as never, {
        source: 'orders',
        correlationId: ORDER,
      }),
    );
    expect(fields).toEqual(['data.totalCents']);
  });

  it('keeps the JSON Schema file in step with the zod schemas (npm run schemas -w @loja/contracts)', () => {
    const onDisk = readFileSync(join(__dirname, '..', JSON_SCHEMA_FILE), 'utf8');
    expect(onDisk).toBe(renderEventJsonSchemas());
    expect(Object.keys(JSON.parse(onDisk))).toHaveLength(EVERY_EVENT_VERSION.length);
  });
});

describe('text fields', () => {
  it('refuse NUL and lone surrogates, which PostgreSQL and mail servers cannot hold, and keep real Unicode', () => {
    const base = samples.PedidoCriado as { customer: object };
    const named = (name: string) => ({ ...(samples.PedidoCriado as object), customer: { ...base.customer, name } });
    const build = (name: string) => () =>
      createEvent(PedidoCriado, named(name) as never, { source: 'orders', correlationId: ORDER });
    expect(fieldsOf(build('Ana\u0000'))).toEqual(['data.customer.name']);
    expect(fieldsOf(build('Ana \ud800'))).toEqual(['data.customer.name']);
    expect(build('Ana Conceição 🛒 中文')().data.customer.name).toBe('Ana Conceição 🛒 中文');
  });
});
