import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { DeadLetterReason } from '../headers';

/** The type label of a message that is not an event (it never parsed). */
export const UNKNOWN_TYPE = 'unknown';

const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = [
  'invalid-json',
  'invalid-envelope',
  'unknown-type',
  'schema-violation',
  'unexpected-type',
  'permanent-error',
  'retries-exhausted',
];

/** What happened to the messages of one type on one queue: plain numbers, bumped on the hot path. */
export class EventTally {
  handled = 0;
  duplicates = 0;
  retried = 0;
  readonly deadLettered = new Map<DeadLetterReason, number>();

  constructor(
    readonly queue: string,
    readonly type: string,
  ) {}

  deadLetteredFor(reason: DeadLetterReason): void {
    this.deadLettered.set(reason, (this.deadLettered.get(reason) ?? 0) + 1);
  }
}

type Observe = (seconds: number) => void;

/** One queue's counters and histograms, bound to its labels once, when its consumer is set up. */
export class QueueStats {
  private readonly tallies = new Map<string, EventTally>();
  /** Transactions that handled more than one message, and how many messages they held. */
  batches = 0;
  batchedMessages = 0;
  batchRollbacks = 0;

  constructor(
    readonly queue: string,
    types: Iterable<string>,
    readonly observeHandler: Observe,
    readonly observeTransaction: Observe,
    readonly observeBatchSize: Observe,
  ) {
    for (const type of types) this.tallies.set(type, new EventTally(queue, type));
  }

  /** The tally of a type; the queue's handled types have theirs from the start (series at 0). */
  of(type: string): EventTally {
    let tally = this.tallies.get(type);
    if (!tally) this.tallies.set(type, (tally = new EventTally(this.queue, type)));
    return tally;
  }

  get all(): Iterable<EventTally> {
    return this.tallies.values();
  }
}

/**
 * Outcomes since start, per queue and event type: for `GET /metrics`, the health page, the bench and
 * tests. The delivery pipeline only adds to plain numbers (no label objects, no prom-client call per
 * message); the `loja_events_*_total` counters read them when Prometheus scrapes. The histograms are
 * observed per transaction (batch size, transaction time) and per handler call, through children bound
 * to their queue once.
 */
@Injectable()
export class ConsumerStats {
  private readonly queues: QueueStats[] = [];
  private readonly handlerSeconds: Histogram<'queue'>;
  private readonly transactionSeconds: Histogram<'queue'>;
  private readonly batchSize: Histogram<'queue'>;

  constructor(@Inject(Registry) registry: Registry) {
    const queues = this.queues;
    const labelled = { labelNames: ['queue', 'type'] as const, registers: [registry] };
    /** A counter whose values are the tallies' at the moment of the scrape. */
    const tallied = (name: string, help: string, count: (tally: EventTally) => number) =>
      new Counter({
        name,
        help,
        ...labelled,
        collect() {
          this.reset();
          for (const queue of queues)
            for (const tally of queue.all) this.inc({ queue: queue.queue, type: tally.type }, count(tally));
        },
      });
    tallied('loja_events_handled_total', 'Events handled and committed, by queue and type.', (t) => t.handled);
    tallied('loja_events_duplicates_total', 'Redeliveries the inbox recognised and skipped.', (t) => t.duplicates);
    tallied('loja_events_retried_total', 'Failed deliveries sent to a retry queue.', (t) => t.retried);
    new Counter({
      name: 'loja_events_dead_lettered_total',
      help: 'Messages sent to their queue’s DLQ, by queue, type and reason.',
      labelNames: ['queue', 'type', 'reason'],
      registers: [registry],
      collect() {
        this.reset();
        for (const queue of queues) {
          for (const tally of queue.all) {
            for (const reason of DEAD_LETTER_REASONS) {
              this.inc({ queue: queue.queue, type: tally.type, reason }, tally.deadLettered.get(reason) ?? 0);
            }
          }
        }
      },
    });
    new Counter({
      name: 'loja_consumer_batch_rollbacks_total',
      help: 'Transactions of several messages rolled back (a handler failed; the others ran again).',
      labelNames: ['queue'],
      registers: [registry],
      collect() {
        this.reset();
        for (const queue of queues) this.inc({ queue: queue.queue }, queue.batchRollbacks);
      },
    });
    const seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    this.handlerSeconds = new Histogram({
      name: 'loja_consumer_handler_duration_seconds',
      help: 'Time one handler took for one event, inside its transaction.',
      labelNames: ['queue'],
      buckets: seconds,
      registers: [registry],
    });
    this.transactionSeconds = new Histogram({
      name: 'loja_consumer_transaction_duration_seconds',
      help: 'Time of one consumer transaction (BEGIN to COMMIT or ROLLBACK), one or several messages.',
      labelNames: ['queue'],
      buckets: seconds,
      registers: [registry],
    });
    this.batchSize = new Histogram({
      name: 'loja_consumer_batch_size',
      help: 'Messages handled in one committed transaction.',
      labelNames: ['queue'],
      buckets: [1, 2, 5, 10, 25, 50, 100, 200],
      registers: [registry],
    });
  }

  /** The stats of a queue this service consumes, with a tally at 0 for each type it handles. */
  forQueue(queue: string, types: Iterable<string>): QueueStats {
    const bound = (histogram: Histogram<'queue'>): Observe => {
      histogram.zero({ queue });
      const child = histogram.labels(queue);
      return (value) => child.observe(value);
    };
    const stats = new QueueStats(
      queue,
      types,
      bound(this.handlerSeconds),
      bound(this.transactionSeconds),
      bound(this.batchSize),
    );
    this.queues.push(stats);
    return stats;
  }

  /** Totals over every queue and type. */
  snapshot() {
    const totals = {
      handled: 0,
      duplicates: 0,
      retried: 0,
      deadLettered: 0,
      batches: 0,
      batchedMessages: 0,
      batchRollbacks: 0,
    };
    for (const queue of this.queues) {
      totals.batches += queue.batches;
      totals.batchedMessages += queue.batchedMessages;
      totals.batchRollbacks += queue.batchRollbacks;
      for (const tally of queue.all) {
        totals.handled += tally.handled;
        totals.duplicates += tally.duplicates;
        totals.retried += tally.retried;
        for (const count of tally.deadLettered.values()) totals.deadLettered += count;
      }
    }
    return totals;
  }
}
