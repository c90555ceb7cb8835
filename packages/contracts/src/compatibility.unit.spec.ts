import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, defineNextVersion, type EventDefinition } from './define-event';
import { baselineEntryOf, checkCompatibility, describeBreakingChange } from './compatibility';

/** A published event, as fixtures: the real contracts are never edited to test the gate. */
const fields = {
  orderId: z.uuid(),
  name: z.string().min(1).max(50),
  quantity: z.number().int().positive(),
  weightKg: z.number().nonnegative(),
  status: z.enum(['OPEN', 'CLOSED']),
  lines: z.array(z.strictObject({ sku: z.string(), quantity: z.number().int() })).min(1),
  note: z.string().optional(),
};
const published = defineEvent({
  type: 'Fixture',
  version: 1,
  routingKey: 'fixture.criado',
  data: z.strictObject(fields),
});

function gate(...now: EventDefinition[]) {
  return checkCompatibility([baselineEntryOf(published)], now.map(baselineEntryOf));
}
const changed = (data: z.ZodObject, routingKey = 'fixture.criado') =>
  defineEvent({ type: 'Fixture', version: 1, routingKey, data });
const without = <K extends keyof typeof fields>(key: K) => {
  const { [key]: _, ...rest } = fields;
  return rest;
};

describe('the compatibility gate', () => {
  it.each([
    ['a removed field', changed(z.strictObject(without('name'))), 'data.name', 'removed-field'],
    [
      'a renamed field',
      changed(z.strictObject({ ...without('name'), title: fields.name })),
      'data.name',
      'removed-field',
    ],
    [
      'a renamed field (the new name, required)',
      changed(z.strictObject({ ...without('name'), title: fields.name })),
      'data.title',
      'new-required-field',
    ],
    ['a narrowed type', changed(z.strictObject({ ...fields, name: z.number() })), 'data.name', 'narrowed-type'],
    [
      'a shorter maximum',
      changed(z.strictObject({ ...fields, name: z.string().min(1).max(20) })),
      'data.name',
      'narrowed-type',
    ],
    [
      'a number narrowed to an integer',
      changed(z.strictObject({ ...fields, weightKg: z.int().nonnegative() })),
      'data.weightKg',
      'narrowed-type',
    ],
    [
      'an enum value dropped',
      changed(z.strictObject({ ...fields, status: z.enum(['OPEN']) })),
      'data.status',
      'narrowed-type',
    ],
    [
      'a nested field narrowed',
      changed(
        z.strictObject({
          ...fields,
          lines: z.array(z.strictObject({ sku: z.string().length(8), quantity: z.number().int() })).min(1),
        }),
      ),
      'data.lines[].sku',
      'narrowed-type',
    ],
    [
      'a new required field',
      changed(z.strictObject({ ...fields, channel: z.string() })),
      'data.channel',
      'new-required-field',
    ],
    [
      'an optional field made required',
      changed(z.strictObject({ ...fields, note: z.string() })),
      'data.note',
      'new-required-field',
    ],
    ['a changed routing key', changed(z.strictObject(fields), 'fixture.aberto'), 'routingKey', 'changed-routing-key'],
  ])('fails on %s, naming the event and the field', (_, now, field, kind) => {
    const { breaking } = gate(now);
    expect(breaking).toContainEqual(expect.objectContaining({ event: 'Fixture v1', field, kind }));
    expect(breaking.map(describeBreakingChange).join('\n')).toContain(`Fixture v1: ${field}: ${kind}`);
  });

  it('fails when a published version is gone', () => {
    expect(gate().breaking).toEqual([expect.objectContaining({ event: 'Fixture v1', kind: 'removed-version' })]);
  });

  it('passes an additive optional field, and lists it as not recorded yet', () => {
    const report = gate(changed(z.strictObject({ ...fields, channel: z.string().optional() })));
    expect(report.breaking).toEqual([]);
    expect(report.unrecorded).toEqual(['Fixture v1: compatible change']);
  });

  it('passes a widened type: a longer maximum, a new enum value, a field made optional or nullable', () => {
    const report = gate(
      changed(
        z.strictObject({
          ...fields,
          name: z.string().min(1).max(200),
          status: z.enum(['OPEN', 'CLOSED', 'CANCELLED']),
          quantity: z.number().int().positive().optional(),
          orderId: z.uuid().nullable(),
        }),
      ),
    );
    expect(report.breaking).toEqual([]);
  });

  it('passes a new version beside the published one, whatever the new version changes', () => {
    const next = defineNextVersion(published, {
      data: z.strictObject({ ...without('name'), title: fields.name, channel: z.string() }),
      upcast: ({ data: { name, ...rest } }) => ({ ...rest, title: name, channel: 'web' }),
      downcast: ({ title, channel: _channel, ...rest }) => ({ ...rest, name: title }),
    });
    const report = gate(published, next);
    expect(report.breaking).toEqual([]);
    expect(report.unrecorded).toEqual(['Fixture v2: new version']);
  });

  it('passes the contracts unchanged, with nothing to record', () => {
    expect(gate(published)).toEqual({ breaking: [], unrecorded: [] });
  });
});
