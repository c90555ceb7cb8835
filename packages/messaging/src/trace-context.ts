import { createHash, randomBytes } from 'node:crypto';

/**
 * A W3C `traceparent` whose trace id is derived from the correlation id: every event of one order
 * shares a trace, so a tracing backend shows the saga as one trace without extra propagation.
 */
export function traceparentFor(correlationId: string): string {
  const compact = correlationId.replace(/-/g, '').toLowerCase();
  const traceId = /^[0-9a-f]{32}$/.test(compact)
    ? compact
    : createHash('sha256').update(correlationId).digest('hex').slice(0, 32);
  return `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
}
