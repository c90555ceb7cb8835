import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { CONSUMER_QUEUES, InvalidEventError, parseEvent, type AnyEvent, type EventDefinition } from '@loja/contracts';
import type { Channel, ConsumeMessage } from 'amqplib';
import { PermanentEventError } from '../errors';
import { Headers, type DeadLetterReason } from '../headers';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { consumerQueueArguments, deadLetterQueueArguments, retryQueueArguments } from '../topology/queue-arguments';
import { deadLetterQueueName, retryQueueName } from '../topology/queue-names';
import { HANDLER_TRANSACTION_OPTIONS, type SqlExecutor, type TransactionRunner } from '../transaction';
import { HANDLE_EVENT_METADATA, type HandleEventMetadata } from './handle-event.decorator';
import { MessageBatcher } from './message-batcher';
import { allRetryDelaysMs, hasAttemptsLeft, retryDelayMs } from './retry-policy';

export const TRANSACTION_RUNNER = Symbol('TRANSACTION_RUNNER');

type Invoke = (event: AnyEvent, tx: unknown) => Promise<unknown>;

interface Handler {
  definition: EventDefinition;
  invoke: Invoke;
  name: string;
  externalEffects: boolean;
}

interface ConsumerQueue {
  name: string;
  handlers: Map<string, Handler>;
  /** Set when every handler of the queue writes only to its database (see handleBatch). */
  batcher?: MessageBatcher<Delivery>;
}

/** A valid event taken off a queue, with the handler it goes to. */
interface Delivery {
  message: ConsumeMessage;
  event: AnyEvent;
  handler: Handler;
  attempt: number;
  context: Record<string, unknown>;
}

/**
 * Finds every @HandleEvent method, declares its queue with the retry queues and DLQ beside it, and
 * consumes it: parse and validate, run the handler and record the event in the inbox in one
 * transaction, ack after commit. Failures never requeue in place: a transient error republishes the
 * message to a retry queue (back after a delay), and an invalid message or a last failed attempt is
 * republished to the DLQ with the reason in its headers; the original is acked only after the broker
 * confirmed the copy.
 *
 * Under load, messages of a queue that arrive while a transaction is running are handled together in
 * the next one (up to MESSAGING_BATCH_SIZE): one BEGIN/COMMIT, one disk flush and one pooled
 * connection for all of them, each still recorded in the inbox and acked only after the commit. If any
 * of them fails, the whole batch rolls back and each message is handled again alone, so only the
 * failing one is retried or dead-lettered. Queues with a handler marked `externalEffects` are never
 * batched.
 */
@Injectable()
export class EventConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumers.name);
  private readonly queues = new Map<string, ConsumerQueue>();
  private readonly inFlight = new Set<Promise<void>>();
  private ready = false;
  /** Outcomes since start, per kind: for the health page, logs and tests. */
  readonly stats = {
    handled: 0,
    duplicates: 0,
    retried: 0,
    deadLettered: 0,
    /** Transactions that handled more than one message, and how many messages they held. */
    batches: 0,
    batchedMessages: 0,
    batchRollbacks: 0,
  };

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(TRANSACTION_RUNNER) private readonly transactions: TransactionRunner,
    private readonly amqp: AmqpConnection,
    private readonly relay: OutboxRelay,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** True once every queue is declared and consumed. */
  get isReady(): boolean {
    return this.ready;
  }

  /** Queue names this service consumes. */
  get queueNames(): string[] {
    return [...this.queues.keys()];
  }

  async onApplicationBootstrap(): Promise<void> {
    this.discoverHandlers();
    for (const queue of this.queues.values()) await this.consume(queue);
    this.ready = true;
  }

  /** Graceful shutdown: stop taking messages, let in-flight handlers finish, flush the outbox. */
  async beforeApplicationShutdown(): Promise<void> {
    this.ready = false;
    for (const tag of this.amqp.consumerTags) {
      await this.amqp.cancelConsumer(tag).catch(() => undefined);
    }
    await Promise.allSettled([...this.inFlight]);
    await this.relay.stop();
  }

  private discoverHandlers(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName];
        if (typeof method !== 'function') continue;
        const meta = this.reflector.get<HandleEventMetadata | undefined>(HANDLE_EVENT_METADATA, method);
        if (!meta) continue;
        const queue: ConsumerQueue = this.queues.get(meta.queue) ?? { name: meta.queue, handlers: new Map() };
        if (queue.handlers.has(meta.definition.type)) {
          throw new Error(`queue ${meta.queue} has two handlers for ${meta.definition.type}`);
        }
        queue.handlers.set(meta.definition.type, {
          definition: meta.definition,
          invoke: (event, tx) => (method as Invoke).call(instance, event, tx),
          name: `${instance.constructor.name}.${methodName}`,
          externalEffects: meta.externalEffects,
        });
        this.queues.set(meta.queue, queue);
      }
    }
    this.checkAgainstStoreTopology();
    for (const queue of this.queues.values()) {
      const batchable = [...queue.handlers.values()].every((handler) => !handler.externalEffects);
      if (batchable && this.options.batchSize > 1) {
        queue.batcher = new MessageBatcher(this.options.batchSize, (items) => this.handleBatch(queue, items));
      }
    }
  }

  /** A store queue must take exactly the events the contracts' topology lists for it: fail at boot otherwise. */
  private checkAgainstStoreTopology(): void {
    const topology = CONSUMER_QUEUES as Record<string, readonly string[]>;
    for (const queue of this.queues.values()) {
      const expected = topology[queue.name];
      if (!expected) continue;
      const actual = [...queue.handlers.keys()].sort();
      if (actual.join() !== [...expected].sort().join()) {
        throw new Error(
          `queue ${queue.name} handles [${actual.join(', ')}] but the store topology lists [${[...expected].sort().join(', ')}]`,
        );
      }
    }
  }

  private async consume(queue: ConsumerQueue): Promise<void> {
    const { deliveryLimit, retry } = this.options;
    // Re-run after every reconnect, like the consumer itself.
    await this.amqp.managedChannel.addSetup(async (channel: Channel) => {
      await channel.assertQueue(deadLetterQueueName(queue.name), {
        durable: true,
        arguments: deadLetterQueueArguments(),
      });
      for (const delay of allRetryDelaysMs(retry)) {
        await channel.assertQueue(retryQueueName(queue.name, delay), {
          durable: true,
          arguments: retryQueueArguments(queue.name, delay),
        });
      }
    });
    await this.amqp.createSubscriber(
      (_body: unknown, message?: ConsumeMessage) => this.track(this.onMessage(queue, message!)),
      {
        exchange: this.options.exchange,
        routingKey: [...new Set([...queue.handlers.values()].map((h) => h.definition.routingKey))],
        queue: queue.name,
        queueOptions: { durable: true, arguments: consumerQueueArguments(queue.name, deliveryLimit) },
        // Bytes in, untouched: parsing and validation are ours, so a bad message gets a precise reason.
        deserializer: (content: Buffer) => content,
        // Reached if republishing to the retry queue or DLQ failed (let the broker dead-letter the
        // message), or if the ack itself failed because the channel closed mid-handling (then nack
        // throws too, and the broker redelivers the message to a new channel; the inbox absorbs it).
        errorHandler: (channel: Channel, message: ConsumeMessage) => {
          try {
            channel.nack(message, false, false);
          } catch {
            // channel already closed
          }
        },
      },
      queue.name,
    );
    this.logger.log({ msg: 'consuming', queue: queue.name, events: [...queue.handlers.keys()] });
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  private async onMessage(queue: ConsumerQueue, message: ConsumeMessage): Promise<void> {
    const attempt = Number(message.properties.headers?.[Headers.attempt] ?? 1);
    let event: AnyEvent;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      if (error instanceof InvalidEventError) return this.deadLetter(queue, message, error.reason, error, attempt);
      throw error;
    }
    const handler = queue.handlers.get(event.type);
    const context = { queue: queue.name, eventId: event.id, type: event.type, orderId: event.correlationId, attempt };
    if (!handler) {
      const error = new Error(`queue ${queue.name} has no handler for ${event.type}`);
      return this.deadLetter(queue, message, 'unexpected-type', error, attempt, context);
    }
    const delivery: Delivery = { message, event, handler, attempt, context };
    return queue.batcher ? queue.batcher.submit(delivery) : this.handleAlone(queue, delivery);
  }

  /**
   * The inbox rows and the handlers' effects of `deliveries`, in the caller's transaction: they commit
   * together, so a redelivered event finds its row. Returns, per delivery, whether it was handled: the
   * first copy of an event is; a duplicate (already in the inbox, or twice in this batch) is not.
   */
  private async applyInTransaction(tx: SqlExecutor, queue: ConsumerQueue, deliveries: Delivery[]): Promise<boolean[]> {
    const fresh = await this.recordInInbox(tx, queue, deliveries);
    const handled: boolean[] = [];
    for (const { event, handler } of deliveries) {
      const first = fresh.delete(event.id);
      if (first) await handler.invoke(event, tx);
      handled.push(first);
    }
    return handled;
  }

  /** Inbox rows for the deliveries in one statement; returns the ids of the events not seen before. */
  private async recordInInbox(tx: SqlExecutor, queue: ConsumerQueue, deliveries: Delivery[]): Promise<Set<string>> {
    const rows = await tx.$queryRawUnsafe<Array<{ event_id: string }>>(
      `INSERT INTO inbox_message (consumer, event_id, type)
       SELECT $1, event_id, type FROM unnest($2::uuid[], $3::text[]) AS batch(event_id, type)
       ON CONFLICT DO NOTHING
       RETURNING event_id::text`,
      queue.name,
      deliveries.map((delivery) => delivery.event.id),
      deliveries.map((delivery) => delivery.event.type),
    );
    return new Set(rows.map((row) => row.event_id));
  }

  private recordOutcome({ handler, context }: Delivery, handled: boolean): void {
    this.stats[handled ? 'handled' : 'duplicates']++;
    this.logger.log({ msg: handled ? 'event handled' : 'duplicate event ignored', handler: handler.name, ...context });
  }

  /** One message, one transaction; a failure is retried later or dead-lettered. */
  private async handleAlone(queue: ConsumerQueue, delivery: Delivery): Promise<void> {
    const { message, attempt, context } = delivery;
    try {
      const [handled] = await this.transactions.$transaction(
        (tx) => this.applyInTransaction(tx, queue, [delivery]),
        HANDLER_TRANSACTION_OPTIONS,
      );
      this.recordOutcome(delivery, handled!);
    } catch (error) {
      if (error instanceof PermanentEventError) {
        return this.deadLetter(queue, message, 'permanent-error', error, attempt, context);
      }
      if (!hasAttemptsLeft(this.options.retry, attempt)) {
        return this.deadLetter(queue, message, 'retries-exhausted', error as Error, attempt, context);
      }
      await this.scheduleRetry(queue, message, attempt, error as Error, context);
    }
  }

  /**
   * Several messages in one transaction; if it fails, none of their effects are kept and each is
   * handled again alone. Returns each message's outcome, settled once it is known.
   */
  private handleBatch(queue: ConsumerQueue, deliveries: Delivery[]): Array<Promise<void>> {
    if (deliveries.length === 1) return [this.handleAlone(queue, deliveries[0]!)];
    const committed = this.handleTogether(queue, deliveries);
    return deliveries.map((delivery) => committed.then((ok) => (ok ? undefined : this.handleAlone(queue, delivery))));
  }

  private async handleTogether(queue: ConsumerQueue, deliveries: Delivery[]): Promise<boolean> {
    let outcomes: boolean[];
    try {
      outcomes = await this.transactions.$transaction(
        (tx) => this.applyInTransaction(tx, queue, deliveries),
        HANDLER_TRANSACTION_OPTIONS,
      );
    } catch (error) {
      this.stats.batchRollbacks++;
      this.logger.warn({
        msg: 'batch rolled back, handling its messages one by one',
        queue: queue.name,
        size: deliveries.length,
        error: (error as Error).message,
      });
      return false;
    }
    this.stats.batches++;
    this.stats.batchedMessages += deliveries.length;
    deliveries.forEach((delivery, i) => this.recordOutcome(delivery, outcomes[i]!));
    return true;
  }

  private async scheduleRetry(
    queue: ConsumerQueue,
    message: ConsumeMessage,
    attempt: number,
    error: Error,
    context: Record<string, unknown>,
  ): Promise<void> {
    const delayMs = retryDelayMs(this.options.retry, attempt);
    this.logger.warn({ msg: 'handler failed, will retry', ...context, delayMs, error: error.message });
    await this.republish(retryQueueName(queue.name, delayMs), message, { [Headers.attempt]: attempt + 1 });
    this.stats.retried++;
  }

  private async deadLetter(
    queue: ConsumerQueue,
    message: ConsumeMessage,
    reason: DeadLetterReason,
    error: Error,
    attempt: number,
    context: Record<string, unknown> = { queue: queue.name, messageId: message.properties.messageId },
  ): Promise<void> {
    this.logger.error({ msg: 'message dead-lettered', ...context, reason, error: error.message });
    const h = Headers.deadLetter;
    await this.republish(deadLetterQueueName(queue.name), message, {
      [h.queue]: queue.name,
      [h.reason]: reason,
      [h.error]: error.message.slice(0, 2000),
      [h.attempts]: attempt,
      [h.at]: new Date().toISOString(),
    });
    this.stats.deadLettered++;
  }

  /** Sends a copy of `message` straight to `target` queue, keeping its properties and first route. */
  private async republish(
    target: string,
    message: ConsumeMessage,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const { properties, fields } = message;
    const headers = { ...(properties.headers ?? {}) };
    const h = Headers.deadLetter;
    headers[h.exchange] ??= fields.exchange;
    headers[h.routingKey] ??= fields.routingKey;
    delete headers['x-death'];
    const confirmed = await this.amqp.publish('', target, message.content, {
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
    if (confirmed === false) throw new Error(`broker did not confirm the copy sent to ${target}`);
  }
}
