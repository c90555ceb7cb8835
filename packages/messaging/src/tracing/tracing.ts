import { Injectable } from '@nestjs/common';
import {
  context,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './traceparent';

/** OpenTelemetry's own no-op provider, which the global proxy delegates to while no SDK is registered. */
const NO_SDK = new ProxyTracerProvider().getDelegate();

/** True once an OpenTelemetry SDK has registered a tracer provider (service-kit's startTracing does). */
function sdkRegistered(): boolean {
  const provider = trace.getTracerProvider();
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  return delegate !== NO_SDK;
}

/**
 * The spans messaging makes, and the one place that knows whether tracing is on.
 *
 * Whether it is on is decided once, when the module is built (after main.ts started the SDK, or not):
 * with tracing off, `tracer` is undefined and every method here returns at its first line, so the
 * per-message path makes no span, no context and no closure. With tracing on:
 * - `outbox.add` keeps the active span's `traceparent` with the row, so the relay's publish is a child
 *   of the span that wrote the event (a request, a handled message), even when a sweep publishes it
 *   later or in another process;
 * - the publish span's context travels in the message's `traceparent` header;
 * - each message a consumer takes gets its own `process` span, a child of that header, which is the
 *   active span while its handler runs (so what the handler writes to the outbox continues the trace).
 */
@Injectable()
export class Tracing {
  private readonly tracer: Tracer | undefined = sdkRegistered() ? trace.getTracer('@loja/messaging') : undefined;

  get enabled(): boolean {
    return this.tracer !== undefined;
  }

  /** The `traceparent` of the active span, to keep with work done later (an outbox row, a shipment). */
  activeTraceparent(): string | null {
    if (!this.tracer) return null;
    const span = trace.getActiveSpan();
    return span ? formatTraceparent(span.spanContext()) : null;
  }

  /** A producer span for publishing an outbox row, a child of the span that wrote it (when known). */
  startPublish(
    event: { type: string; id: string; correlationId: string; routingKey: string; traceparent: string | null },
    exchange: string,
  ): Span | undefined {
    if (!this.tracer) return undefined;
    return this.tracer.startSpan(
      `publish ${event.type}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'send',
          'messaging.destination.name': exchange,
          'messaging.rabbitmq.destination.routing_key': event.routingKey,
          'messaging.message.id': event.id,
          'messaging.message.conversation_id': event.correlationId,
        },
      },
      parentContext(event.traceparent),
    );
  }

  /** A consumer span for handling one message, a child of the span its `traceparent` header names. */
  startProcess(
    queue: string,
    traceparent: unknown,
    event: { type: string; id: string; correlationId: string },
    attempt: number,
  ): Span | undefined {
    if (!this.tracer) return undefined;
    return this.tracer.startSpan(
      `process ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'process',
          'messaging.destination.name': queue,
          'messaging.message.id': event.id,
          'messaging.message.conversation_id': event.correlationId,
          'loja.attempt': attempt,
        },
      },
      parentContext(traceparent),
    );
  }

  /**
   * Runs `work` in a span of its own, a child of a `traceparent` kept earlier (a delayed shipment, an
   * e-mail sent after commit); without one (kept while tracing was off) `work` runs with no span.
   */
  async continueTrace<T>(
    traceparent: string | null | undefined,
    name: string,
    work: () => Promise<T>,
    attributes?: Attributes,
  ): Promise<T> {
    const parent = this.tracer && parseTraceparent(traceparent);
    if (!parent) return work();
    const span = this.tracer!.startSpan(name, { attributes }, trace.setSpanContext(ROOT_CONTEXT, parent));
    try {
      return await context.with(trace.setSpan(ROOT_CONTEXT, span), work);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  }

  /** Runs `work` with `span` active (or as it is, with no span). */
  within<T>(span: Span | undefined, work: () => T): T {
    return span ? context.with(trace.setSpan(context.active(), span), work) : work();
  }

  /**
   * Runs `work` outside any trace: work shared by several traces (a batch's transaction, coalesced
   * marks) would otherwise be counted in the trace of whichever caller happened to start it.
   */
  detached<T>(work: () => T): T {
    return this.tracer ? context.with(ROOT_CONTEXT, work) : work();
  }

  /** `fn` bound to the active context, for work that runs later on behalf of the caller. */
  bindToActive<F extends (...args: never[]) => unknown>(fn: F): F {
    return this.tracer ? context.bind(context.active(), fn) : fn;
  }

  /** The active context, for work that runs later on its behalf (undefined with tracing off). */
  activeContext(): Context | undefined {
    return this.tracer ? context.active() : undefined;
  }

  /** Runs `work` in a context kept by `activeContext` (or as it is). */
  inContext<T>(kept: Context | undefined, work: () => T): T {
    return kept ? context.with(kept, work) : work();
  }
}

/** Marks a span failed with the error that ended it. */
export function failed(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.message });
}

function parentContext(traceparent: unknown): Context {
  const parent = parseTraceparent(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}
