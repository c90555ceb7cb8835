import type { IncomingMessage } from 'node:http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

/** Requests that are not the store's work: probes and scrapes, every few seconds, each its own trace. */
const UNTRACED_PATHS = /^\/(health|metrics)(\/|\?|$)/;

/**
 * The SDK of one service: spans of incoming HTTP requests (Express routes, no middleware layers),
 * of pg statements made inside a span, and messaging's own (publish, process); batched, and sent to
 * OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces as OTLP/HTTP JSON (Jaeger and the OpenTelemetry Collector
 * take it on 4318). OTEL_BSP_* tune the batching, OTEL_TRACES_SAMPLER the sampling, as usual.
 * Only traces: metrics are Prometheus' (prom-client), logs stay JSON lines on stdout.
 */
export function createTracingSdk(service: string): NodeSDK {
  return new NodeSDK({
    serviceName: service,
    traceExporter: new OTLPTraceExporter(),
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.test(request.url ?? ''),
        // Calls made outside any request or message (a poll of an API) would each start a trace.
        requireParentforOutgoingSpans: true,
      }),
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE] }),
      // Statements outside a span (relay marks, sweeps, timers) would each be a trace of their own.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
  });
}
