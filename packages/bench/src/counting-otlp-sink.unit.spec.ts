import { afterEach, describe, expect, it } from 'vitest';
import { startCountingOtlpSink, type CountingOtlpSink } from './counting-otlp-sink';

describe('the counting OTLP receiver of --tracing', () => {
  let sink: CountingOtlpSink | undefined;
  afterEach(async () => sink?.close());

  it('accepts every export as an OTLP/HTTP receiver does and counts requests and bytes', async () => {
    sink = await startCountingOtlpSink();
    const body = JSON.stringify({ resourceSpans: [] });
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${sink.endpoint}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(200);
    }
    expect(sink.counts()).toEqual({ exports: 3, bytes: 3 * Buffer.byteLength(body) });
  });
});
