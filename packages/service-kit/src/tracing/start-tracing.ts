import type { NodeSDK } from '@opentelemetry/sdk-node';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry tracing for `service`, exporting over OTLP/HTTP (JSON), when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise does nothing at all: the SDK is not even loaded, no
 * instrumentation patches anything, and messaging makes no spans (see @loja/messaging's Tracing).
 *
 * Call it from the first line of a service's main.ts (its `tracing.ts`, imported before anything
 * else): the HTTP, Express and pg instrumentations patch those modules when they are first required,
 * so they must be registered before Nest, express or pg is loaded. A first import in main.ts does that
 * for every way a service is started (`node dist/main.js` natively, in compose, by the store runner),
 * with no `--require` flag for each launcher to remember.
 */
export function startTracing(service: string): boolean {
  if (sdk || !process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_SDK_DISABLED === 'true') {
    return sdk !== undefined;
  }
  // Required here, not imported at the top: with tracing off none of the SDK is loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createTracingSdk } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  sdk = createTracingSdk(service);
  sdk.start();
  return true;
}

/** True when startTracing started the SDK in this process. */
export function tracingStarted(): boolean {
  return sdk !== undefined;
}

/** Exports the spans still buffered and stops the SDK (at shutdown). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}
