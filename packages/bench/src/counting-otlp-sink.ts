import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the services exported while the bench ran with --tracing. */
export interface OtlpCounts {
  exports: number;
  bytes: number;
}

export interface CountingOtlpSink {
  /** What a service puts in OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  counts(): OtlpCounts;
  close(): Promise<void>;
}

/**
 * A local OTLP/HTTP receiver for `npm run bench -- --tracing`: it accepts every export and counts
 * requests and bytes, without decoding a span, so the bench measures what tracing costs the store
 * (making spans, batching, serialising, sending) rather than a tracing backend's work. Runs in the
 * bench process: its CPU is the harness's.
 */
export async function startCountingOtlpSink(): Promise<CountingOtlpSink> {
  const counts: OtlpCounts = { exports: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (counts.bytes += chunk.length));
    request.on('end', () => {
      counts.exports++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
