import { createHash, randomBytes } from 'node:crypto';
import { TraceFlags, type SpanContext } from '@opentelemetry/api';

/**
 * The trace id of a saga: the correlation id itself when it is a uuid (an order id), else a hash of
 * it. Messages published while tracing is off carry it, so every event of one order still shares a
 * trace id without any span being made here.
 */
export function traceIdFor(correlationId: string): string {
  const compact = correlationId.replace(/-/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(compact)
    ? compact
    : createHash('sha256').update(correlationId).digest('hex').slice(0, 32);
}

/** A W3C `traceparent` in the trace of `correlationId` (traceIdFor), with a span id of its own. */
export function traceparentFor(correlationId: string): string {
  return `00-${traceIdFor(correlationId)}-${randomBytes(8).toString('hex')}-01`;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);

/** The span a W3C `traceparent` (version 00) names, as a remote parent; undefined when it is not one. */
export function parseTraceparent(traceparent: unknown): SpanContext | undefined {
  if (typeof traceparent !== 'string') return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (!match || match[1] === INVALID_TRACE_ID || match[2] === INVALID_SPAN_ID) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, traceFlags: parseInt(match[3]!, 16), isRemote: true };
}

/** The W3C `traceparent` of a span. */
export function formatTraceparent(span: SpanContext): string {
  const flags = (span.traceFlags & TraceFlags.SAMPLED).toString(16).padStart(2, '0');
  return `00-${span.traceId}-${span.spanId}-${flags}`;
}
