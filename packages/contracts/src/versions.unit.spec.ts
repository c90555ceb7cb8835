import { describe, expect, it } from 'vitest';
import {
  ALL_EVENTS,
  createEvent,
  EVERY_EVENT_VERSION,
  parseEvent,
  PedidoCriado,
  PedidoCriadoV1,
  publishedVersion,
  versionsOf,
  type DataOf,
} from './index';
import { sampleData } from './samples';

const ORDER = '6f1c2b9e-8d1a-4c55-9b0e-3a1f5e2d7c40';

// The sample PedidoCriado as version 1 had it: no placedAt.
const { placedAt: _, ...v1Data }: DataOf<typeof PedidoCriado> = sampleData(PedidoCriado, { orderId: ORDER });
const occurredAt = new Date('2026-03-01T12:00:00.000Z');
const meta = { source: 'orders' as const, correlationId: ORDER, occurredAt };

describe('event versions', () => {
  it('reads a version 1 PedidoCriado as version 2, placedAt taken from occurredAt, same id', () => {
    const v1 = createEvent(PedidoCriadoV1, v1Data, meta);
    const parsed = parseEvent(JSON.stringify(v1));
    expect(parsed).toEqual({ ...v1, version: 2, data: { ...v1Data, placedAt: '2026-03-01T12:00:00.000Z' } });
    // what the upcaster makes is a valid version 2 event
    expect(PedidoCriado.envelope.safeParse(parsed).success).toBe(true);
  });

  it('reads a version 2 PedidoCriado as it is', () => {
    const v2 = createEvent(PedidoCriado, { ...v1Data, placedAt: '2026-03-01T11:59:00.000Z' }, meta);
    expect(parseEvent(JSON.stringify(v2))).toEqual(v2);
  });

  it('downcasts version 2 data to a valid version 1 for a producer still publishing it', () => {
    const { definition, convert } = publishedVersion('PedidoCriado', 1);
    expect(definition).toBe(PedidoCriadoV1);
    const data = convert({ ...v1Data, placedAt: '2026-03-01T11:59:00.000Z' });
    expect(data).toEqual(v1Data);
    expect(() => createEvent(PedidoCriadoV1, data as never, meta)).not.toThrow();
    expect(publishedVersion('PedidoCriado', 2).convert(v1Data)).toBe(v1Data);
  });

  it('keeps each version strict: a version 1 message carrying a version 2 field is invalid', () => {
    const v1 = createEvent(PedidoCriadoV1, v1Data, meta);
    const tampered = { ...v1, data: { ...v1.data, placedAt: '2026-03-01T12:00:00.000Z' } };
    expect(() => parseEvent(JSON.stringify(tampered))).toThrow(expect.objectContaining({ reason: 'schema-violation' }));
  });

  it('rejects a version the contracts do not have yet as unknown-type (what an older consumer does with a newer version)', () => {
    const v2 = createEvent(PedidoCriado, { ...v1Data, placedAt: '2026-03-01T11:59:00.000Z' }, meta);
    expect(() => parseEvent(JSON.stringify({ ...v2, version: 3 }))).toThrow(
      expect.objectContaining({ reason: 'unknown-type', message: expect.stringContaining('PedidoCriado v3') }),
    );
    expect(() => publishedVersion('PedidoCriado', 3)).toThrow('no event PedidoCriado v3');
  });

  it('numbers every event’s versions 1..n with one type and one routing key', () => {
    for (const latest of ALL_EVENTS) {
      const versions = versionsOf(latest);
      expect(versions.map((d) => d.version)).toEqual(versions.map((_, i) => i + 1));
      expect(new Set(versions.map((d) => `${d.type} ${d.routingKey}`)).size).toBe(1);
    }
    expect(EVERY_EVENT_VERSION.length).toBe(ALL_EVENTS.length + 1);
  });
});
