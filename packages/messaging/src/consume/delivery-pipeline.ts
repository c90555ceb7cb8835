import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidEventError, parseEvent, type AnyEvent } from '@loja/contracts';
import type { Span } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import { Headers } from '../headers';
import { anyHandled, isRedelivery, recordInInbox, recordNewInInbox } from '../inbox/inbox';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { Database } from '../sql/database';
import type { SqlTransaction } from '../sql/sql-transaction';
import { ConsumerStats, UNKNOWN_TYPE, type EventTally, type QueueStats } from './consumer-stats';
import { FailureRouting } from './failure-routing';
import type { ConsumerQueue, EventHandler } from './handler-registry';
import { MessageBatcher } from '../batching/message-batcher';
import { failed, Tracing } from '../tracing/tracing';

/** What the pipeline tells the channel about a message once its outcome is safe. */
export interface Settlement {
  /** Handled (or routed to a retry queue or the DLQ, confirmed): ack it. */
  ack(): void;
  /** Could not even be routed: reject it, and the broker dead-letters it through the queue's DLX. */
  reject(): void;
}

/** A handler threw: which message it was handling, and what it threw. */
class HandlerFailure extends Error {
  constructor(
    readonly delivery: Delivery,
    override readonly cause: Error,
  ) {
    super(cause.message);
  }
}

/** A valid event taken off a queue, with the handler it goes to. */
interface Delivery {
  message: ConsumeMessage;
  event: AnyEvent;
  handler: EventHandler;
  /** Its queue's counts for its type. */
  tally: EventTally;
  attempt: number;
  settlement: Settlement;
  context: Record<string, unknown>;
  /** Its `process` span while tracing is on: active while its handler runs, ended when it is settled. */
  span: Span | undefined;
}

/**
 * The way of one message through a queue's consumer:
 *
 *   parse → handler → inbox + commit → ack
 *
 * 1. parse: the bytes become a validated event, once; an invalid message goes to the DLQ at once;
 * 2. the messages of a queue that arrive while a transaction runs wait for the next one (up to
 *    MESSAGING_BATCH_SIZE): one BEGIN/COMMIT, one disk flush and one connection for all of them;
 * 3. in that transaction, each event is handled and recorded in the inbox, its row going with the
 *    COMMIT; a redelivered event breaks the inbox's key there, and the batch runs again with the
 *    inbox rows written first, which skips it (see `transact`);
 * 4. after COMMIT, and only then, each message is acked;
 * 5. if a handler throws, the transaction rolls back (none of its effects are kept), the message
 *    whose handler threw goes to failure routing (retry or DLQ) and is acked once its copy is
 *    confirmed there, and the others run again together without it.
 */
@Injectable()
export class DeliveryPipeline {
  private readonly logger = new Logger(DeliveryPipeline.name);

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly database: Database,
    private readonly failures: FailureRouting,
    private readonly stats: ConsumerStats,
    private readonly tracing: Tracing,
  ) {}

  /** A function that takes one queue's messages through the pipeline; settles when the outcome is safe. */
  forQueue(queue: ConsumerQueue): (message: ConsumeMessage, settlement: Settlement) => Promise<void> {
    const stats = this.stats.forQueue(queue.name, queue.handlers.keys());
    const batcher = new MessageBatcher<Delivery>(this.options.batchSize, (deliveries) =>
      this.handleBatch(queue, stats, deliveries),
    );
    return (message, settlement) => this.take(queue, stats, batcher, message, settlement);
  }

  private async take(
    queue: ConsumerQueue,
    stats: QueueStats,
    batcher: MessageBatcher<Delivery>,
    message: ConsumeMessage,
    settlement: Settlement,
  ): Promise<void> {
    const attempt = Number(message.properties.headers?.[Headers.attempt] ?? 1);
    let event: AnyEvent;
    try {
      event = parseEvent(message.content);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      return this.route(settlement, async () => {
        await this.failures.deadLetter(queue.name, message, error.reason, error, attempt);
        stats.of(UNKNOWN_TYPE).deadLetteredFor(error.reason);
      });
    }
    const context = { queue: queue.name, eventId: event.id, type: event.type, orderId: event.correlationId, attempt };
    const span = this.tracing.startProcess(
      queue.name,
      message.properties.headers?.[Headers.traceparent],
      event,
      attempt,
    );
    if (span) settlement = endingSpan(settlement, span);
    const tally = stats.of(event.type);
    const handler = queue.handlers.get(event.type);
    if (!handler) {
      span?.setAttribute('loja.outcome', 'dead-lettered');
      const error = new Error(`queue ${queue.name} has no handler for ${event.type}`);
      return this.route(settlement, async () => {
        await this.failures.deadLetter(queue.name, message, 'unexpected-type', error, attempt, context);
        tally.deadLetteredFor('unexpected-type');
      });
    }
    return batcher.submit({ message, event, handler, tally, attempt, settlement, context, span });
  }

  /** Several messages in one transaction; see the class comment for what happens when it fails. */
  private handleBatch(queue: ConsumerQueue, stats: QueueStats, deliveries: Delivery[]): Array<Promise<void>> {
    if (deliveries.length === 1) return [this.handleAlone(queue, stats, deliveries[0]!)];
    // The batch's own statements (BEGIN, inbox, COMMIT) serve every message in it: no trace gets them.
    const done = this.tracing.detached(() => this.handleTogether(queue, stats, deliveries));
    return deliveries.map(() => done);
  }

  /**
   * Runs the batch; when a handler throws, the transaction rolls back, that message goes to failure
   * routing (it did fail), and the others run again together without it. A failure no handler threw
   * (the inbox statement, or COMMIT itself) leaves nobody to blame: each message is then run alone.
   */
  private async handleTogether(queue: ConsumerQueue, stats: QueueStats, deliveries: Delivery[]): Promise<void> {
    let remaining = deliveries;
    while (remaining.length > 1) {
      try {
        const handled = await this.transact(queue, stats, remaining);
        stats.observeBatchSize(remaining.length);
        stats.batches++;
        stats.batchedMessages += remaining.length;
        remaining.forEach((delivery, i) => this.committed(delivery, handled[i]!));
        return;
      } catch (error) {
        stats.batchRollbacks++;
        const culprit = error instanceof HandlerFailure ? error.delivery : undefined;
        this.logger.warn({
          msg: culprit ? 'batch rolled back, running it again without the failed message' : 'batch rolled back',
          queue: queue.name,
          size: remaining.length,
          error: (culprit ? (error as HandlerFailure).cause : (error as Error)).message,
        });
        if (!culprit) break;
        await this.routeFailure(queue, culprit, (error as HandlerFailure).cause);
        remaining = remaining.filter((delivery) => delivery !== culprit);
      }
    }
    await Promise.all(remaining.map((delivery) => this.handleAlone(queue, stats, delivery)));
  }

  private async handleAlone(queue: ConsumerQueue, stats: QueueStats, delivery: Delivery): Promise<void> {
    let handled: boolean[];
    try {
      handled = await this.tracing.within(delivery.span, () => this.transact(queue, stats, [delivery]));
    } catch (error) {
      return this.routeFailure(queue, delivery, error instanceof HandlerFailure ? error.cause : error);
    }
    stats.observeBatchSize(1);
    this.committed(delivery, handled[0]!);
  }

  /** One transaction, its duration observed whether it commits or rolls back. */
  private async timedTransaction<R>(stats: QueueStats, work: (tx: SqlTransaction) => Promise<R>): Promise<R> {
    const started = performance.now();
    try {
      return await this.database.transaction(work);
    } finally {
      stats.observeTransaction((performance.now() - started) / 1000);
    }
  }

  /** A handler failed for this message: retry it later, or dead-letter it. */
  private routeFailure(queue: ConsumerQueue, delivery: Delivery, error: unknown): Promise<void> {
    const { message, attempt, context, settlement, span } = delivery;
    if (span) failed(span, error);
    return this.route(settlement, async () => {
      const outcome = await this.failures.handlerFailed(queue.name, message, error, attempt, context);
      span?.setAttribute('loja.outcome', outcome === 'retried' ? 'retried' : 'dead-lettered');
      if (outcome === 'retried') delivery.tally.retried++;
      else delivery.tally.deadLetteredFor(outcome);
    });
  }

  /**
   * The deliveries' transaction; per delivery, whether its event was new (false: a redelivery, skipped).
   *
   * Most events are new, so they are handled first and their inbox rows written with the COMMIT, in
   * its round trip: one round trip fewer than writing the rows first and reading back which are new.
   * If one was handled before, its row breaks the inbox's key at COMMIT (or its work, done again, fails
   * on what the first time left), everything rolls back, and the deliveries run again the careful way
   * (`apply`), which skips it.
   */
  private async transact(queue: ConsumerQueue, stats: QueueStats, deliveries: Delivery[]): Promise<boolean[]> {
    const distinct = new Set(deliveries.map((delivery) => delivery.event.id)).size === deliveries.length;
    if (distinct) {
      try {
        return await this.timedTransaction(stats, (tx) => this.applyAsNew(tx, queue, stats, deliveries));
      } catch (error) {
        if (!(await this.foundRedelivery(queue, deliveries, error))) throw error;
        this.logger.debug({ msg: 'a redelivered event rolled the batch back, running it again', queue: queue.name });
      }
    }
    return this.timedTransaction(stats, (tx) => this.apply(tx, queue, stats, deliveries));
  }

  /**
   * Whether the failure of `applyAsNew` came from an event handled already: its inbox row broke the key,
   * or its work, done again, failed on what the first time left (a handler, or before-commit work).
   */
  private async foundRedelivery(queue: ConsumerQueue, deliveries: Delivery[], error: unknown): Promise<boolean> {
    if (isRedelivery(error)) return true;
    const suspects = error instanceof HandlerFailure ? [error.delivery] : deliveries;
    const ids = suspects.map((delivery) => delivery.event.id);
    // Unable to tell (the database away): the failure stands, and is routed as such.
    return anyHandled(this.database, queue.name, ids).catch(() => false);
  }

  /** Every delivery handled as new, their inbox rows written with the COMMIT (see `transact`). */
  private async applyAsNew(
    tx: SqlTransaction,
    queue: ConsumerQueue,
    stats: QueueStats,
    deliveries: Delivery[],
  ): Promise<boolean[]> {
    const events = deliveries.map((delivery) => delivery.event);
    recordNewInInbox(tx, queue.name, events);
    tx.handling(events);
    for (const delivery of deliveries) await this.invoke(tx, stats, delivery);
    return deliveries.map(() => true);
  }

  /** The inbox rows first, then the handlers of the new events; per delivery, whether it was new. */
  private async apply(
    tx: SqlTransaction,
    queue: ConsumerQueue,
    stats: QueueStats,
    deliveries: Delivery[],
  ): Promise<boolean[]> {
    const fresh = await recordInInbox(
      tx,
      queue.name,
      deliveries.map((delivery) => delivery.event),
    );
    tx.handling(deliveries.filter((delivery) => fresh.has(delivery.event.id)).map((delivery) => delivery.event));
    const handled: boolean[] = [];
    for (const delivery of deliveries) {
      const first = fresh.delete(delivery.event.id);
      if (first) await this.invoke(tx, stats, delivery);
      handled.push(first);
    }
    return handled;
  }

  /** Runs the delivery's handler in `tx`; what it throws becomes a HandlerFailure naming the delivery. */
  private async invoke(tx: SqlTransaction, stats: QueueStats, delivery: Delivery): Promise<void> {
    const started = performance.now();
    try {
      // Its own span is the active one: what the handler adds to the outbox continues its trace.
      await this.tracing.within(delivery.span, () => delivery.handler.invoke(delivery.event, tx));
    } catch (error) {
      throw new HandlerFailure(delivery, error instanceof Error ? error : new Error(String(error)));
    } finally {
      stats.observeHandler((performance.now() - started) / 1000);
    }
  }

  /** After COMMIT: the message's effects are durable, so it is acked now. */
  private committed(delivery: Delivery, handled: boolean): void {
    if (handled) delivery.tally.handled++;
    else delivery.tally.duplicates++;
    delivery.span?.setAttribute('loja.outcome', handled ? 'handled' : 'duplicate');
    this.logger.debug({
      msg: handled ? 'event handled' : 'duplicate event ignored',
      handler: delivery.handler.name,
      ...delivery.context,
    });
    delivery.settlement.ack();
  }

  /** Sends the message elsewhere (retry queue or DLQ), then acks it; rejects it if that fails. */
  private async route(settlement: Settlement, send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (error) {
      this.logger.error({ msg: 'could not route a failed message, rejecting it', error: (error as Error).message });
      settlement.reject();
      return;
    }
    settlement.ack();
  }
}

/** The settlement of a traced message: settling it (ack, or reject) also ends its span. */
function endingSpan(settlement: Settlement, span: Span): Settlement {
  return {
    ack: () => {
      settlement.ack();
      span.end();
    },
    reject: () => {
      settlement.reject();
      span.end();
    },
  };
}
