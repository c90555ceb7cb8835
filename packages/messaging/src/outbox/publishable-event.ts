/** An outbox row as the relay publishes it: the envelope's bytes and the facts AMQP properties carry. */
export interface PublishableEvent {
  id: string;
  routingKey: string;
  type: string;
  version: number;
  correlationId: string;
  source: string;
  occurredAt: string;
  /** The JSON envelope, serialised once when the event was written. */
  body: Buffer;
  /** The span that wrote the event (W3C traceparent), kept with the row while tracing is on; else null. */
  traceparent: string | null;
}
