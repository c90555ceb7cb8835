import { Inject, Injectable, Logger } from '@nestjs/common';
import { InvalidEventError, parseEvent, type AnyEvent } from '@loja/contracts';
import type { Span } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import { Headers } from '../headers';
import { recordInInbox } from '../inbox/inbox';
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
 *   parse → inbox → handler → commit → ack
 *
 * 1. parse: the bytes become a validated event, once; an invalid message goes to the DLQ at once;
 * 2. the messages of a queue that arrive while a transaction runs wait for the next one (up to
 *    MESSAGING_BATCH_SIZE): one BEGIN/COMMIT, one disk flush and one connection for all of them;
 * 3. in that transaction, the events are recorded in the inbox (a duplicate is skipped) and each new
 *    one is handled;
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
        const handled = await this.timedTransaction(stats, (tx) => this.apply(tx, queue, stats, remaining));
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
      handled = await this.tracing.within(delivery.span, () =>
        this.timedTransaction(stats, (tx) => this.apply(tx, queue, stats, [delivery])),
      );
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

  /** The inbox rows and the handlers' effects, in one transaction; per delivery, whether it was new. */
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
      if (first) {
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
      handled.push(first);
    }
    return handled;
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
