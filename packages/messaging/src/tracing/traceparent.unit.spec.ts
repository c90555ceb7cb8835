import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent, traceparentFor } from './traceparent';

describe('traceparent', () => {
  it('reads the span a traceparent names and writes it back unchanged', () => {
    const header = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const span = parseTraceparent(header);
    expect(span).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    });
    expect(formatTraceparent(span!)).toBe(header);
  });

  it('ignores what is not a version-00 traceparent with valid ids', () => {
    for (const header of [
      undefined,
      42,
      '',
      'garbage',
      '01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      '00-00000000000000000000000000000000-b7ad6b7169203331-01',
      '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
      '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
    ]) {
      expect(parseTraceparent(header)).toBeUndefined();
    }
  });

  it('derives the trace id from the correlation id when no span exists', () => {
    const header = traceparentFor('6f1c7a2e-8a49-4d53-9f47-7f3f0e1b2c3d');
    expect(parseTraceparent(header)?.traceId).toBe('6f1c7a2e8a494d539f477f3f0e1b2c3d');
  });
});
