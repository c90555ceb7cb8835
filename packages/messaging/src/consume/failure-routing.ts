import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConsumeMessage } from 'amqplib';
import { PermanentEventError } from '../errors';
import { Headers, type DeadLetterReason } from '../headers';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { deadLetterQueueName, RETRY_EXCHANGE, retryRoutingKey } from '../topology/queue-names';
import { hasAttemptsLeft, retryDelayMs } from './retry-policy';

/** Retried later, or dead-lettered for one of these reasons. */
export type FailureOutcome = 'retried' | Extract<DeadLetterReason, 'permanent-error' | 'retries-exhausted'>;

/**
 * Where a message goes when it was not handled. Never back to its queue in place: a transient failure
 * sends a copy to the shared retry queue of its delay (the broker brings it back to this queue after
 * the delay; see topology/queue-names.ts); a message
 * that can never succeed (invalid, permanent error) or that used its last attempt goes to the queue's
 * DLQ, with the reason in its headers. The copy is confirmed by the broker before the original may be
 * acked; if sending it fails, the caller must not ack (the broker redelivers the original).
 */
@Injectable()
export class FailureRouting {
  private readonly logger = new Logger(FailureRouting.name);

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly amqp: AmqpConnection,
  ) {}

  /**
   * A handler threw: dead-letter a PermanentEventError or a last attempt; retry anything else later
   * (EventArrivedEarlyError and DependencyUnavailableError say so by name; see errors.ts).
   */
  async handlerFailed(
    queue: string,
    message: ConsumeMessage,
    error: unknown,
    attempt: number,
    context: Record<string, unknown>,
  ): Promise<FailureOutcome> {
    const failure = error instanceof Error ? error : new Error(String(error));
    if (failure instanceof PermanentEventError) {
      await this.deadLetter(queue, message, 'permanent-error', failure, attempt, context);
      return 'permanent-error';
    }
    if (!hasAttemptsLeft(this.options.retry, attempt)) {
      await this.deadLetter(queue, message, 'retries-exhausted', failure, attempt, context);
      return 'retries-exhausted';
    }
    const delayMs = retryDelayMs(this.options.retry, attempt);
    this.logger.warn({
      msg: 'handler failed, will retry',
      ...context,
      delayMs,
      errorType: failure.name,
      error: failure.message,
    });
    await this.republish(RETRY_EXCHANGE, retryRoutingKey(queue, delayMs), message, { [Headers.attempt]: attempt + 1 });
    return 'retried';
  }

  async deadLetter(
    queue: string,
    message: ConsumeMessage,
    reason: DeadLetterReason,
    error: Error,
    attempt: number,
    context: Record<string, unknown> = { queue, messageId: message.properties.messageId },
  ): Promise<void> {
    this.logger.error({ msg: 'message dead-lettered', ...context, reason, error: error.message });
    const h = Headers.deadLetter;
    await this.republish('', deadLetterQueueName(queue), message, {
      [h.queue]: queue,
      [h.reason]: reason,
      [h.error]: error.message.slice(0, 2000),
      [h.attempts]: attempt,
      [h.at]: new Date().toISOString(),
    });
  }

  /** Sends a copy of `message`, keeping its properties and its first route, and waits for the confirm. */
  private async republish(
    exchange: string,
    routingKey: string,
    message: ConsumeMessage,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const { properties, fields } = message;
    const headers = { ...(properties.headers ?? {}) };
    const h = Headers.deadLetter;
    headers[h.exchange] ??= fields.exchange;
    headers[h.routingKey] ??= fields.routingKey;
    delete headers['x-death'];
    const confirmed = await this.amqp.publish(exchange, routingKey, message.content, {
      persistent: true,
      messageId: properties.messageId,
      type: properties.type,
      correlationId: properties.correlationId,
      timestamp: properties.timestamp,
      contentType: properties.contentType,
      contentEncoding: properties.contentEncoding,
      appId: properties.appId,
      headers: { ...headers, ...extraHeaders },
    });
    if (confirmed === false) throw new Error(`broker did not confirm the copy sent to ${routingKey}`);
  }
}
