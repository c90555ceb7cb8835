import type { ConsumerPerOrder } from './consumer-activity';
import type { LatencySummary } from './percentiles';

/** What one bench run found; results.json is this object. */
export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  namespace: string;
  /** `own`: the store this run started; `external`: a running store given by URL. */
  store: 'own' | 'external';
  settings: {
    rates: number[];
    durationS: number;
    warmupS: number;
    /** Orders/s of the warm-up (absent in reports from before it was recorded: 5). */
    warmupRate?: number;
    ceilingDurationS: number;
    skus: string[];
    serviceEnv: Record<string, string>;
    /** With --tracing: what the services exported to the bench's counting OTLP receiver; null: tracing off. */
    tracing: { exports: number; bytes: number } | null;
    maxSamplesPerRate: number;
    /** The overload phase asked for (--overload / --overload-rate), or null. */
    overload: { factor: number | null; rate: number | null; durationS: number } | null;
  };
  machine: MachineInfo;
  ceilings: { broker: BrokerCeiling | null; postgres: PostgresCeiling | null };
  /** Machine time per broker delivery and per PostgreSQL transaction, from the ceilings: the floor's units. */
  unitCosts: UnitCosts;
  criteria: SustainabilityCriteria;
  rates: RateResult[];
  /** Rates of --rates not run: an earlier rate left a backlog that did not drain, or the run was interrupted. */
  skippedRates: number[];
  maxSustainableRate: number | null;
  /** Broker traffic at the max sustainable rate ÷ the broker ceiling. */
  brokerUtilisation: { deliveriesRatio: number; publishesRatio: number } | null;
  /** Overload after the rates (--overload), or null when not asked for or not run (see notes). */
  overload: OverloadResult | null;
  notes: string[];
  /** Why the run stopped before its last rate (the store did not start, stopped answering...). */
  failed?: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  nodeVersion: string;
  kernel: string;
  /** Share of all cores busy in the 3 s before the run started: work of others on the machine. */
  busyBeforePercent: number;
  postgres: { version: string; settings: Record<string, string> } | null;
  rabbitmq: { version: string; erlang: string } | null;
}

export interface BrokerCeiling {
  durationS: number;
  publishers: number;
  confirmBatch: number;
  prefetch: number;
  messageBytes: number;
  queueType: string;
  published: number;
  consumed: number;
  publishedPerSec: number;
  /** Consumed (and acked) per second: the ceiling, each message published with a confirm and consumed once. */
  messagesPerSec: number;
}

export interface PostgresCeiling {
  durationS: number;
  clients: number;
  rows: number;
  transactions: number;
  errors: number;
  txPerSec: number;
}

/** cores ÷ ceiling rate, in ms: what one unit of work costs the machine at best. */
export interface UnitCosts {
  cores: number;
  /** cores × 1000 ÷ the RabbitMQ ceiling (msg/s); null without that ceiling. */
  msPerDelivery: number | null;
  /** cores × 1000 ÷ the PostgreSQL ceiling (tx/s); null without that ceiling. */
  msPerTransaction: number | null;
}

/** Where a completed order's CPU goes (window and drain), in ms; null where an input was not measured. */
export interface CpuPerOrder {
  /** The store: its five services, RabbitMQ and PostgreSQL; no harness. */
  storeMs: number | null;
  /** The harness: the bench process (load generator, poller) and its mail sink. */
  harnessMs: number | null;
  /** Every process measured: store + harness. */
  allMs: number | null;
  /** Broker deliveries per completed order (the vhost's deliver count). */
  deliveries: number | null;
  /** PostgreSQL transactions per completed order, summed over the store's databases. */
  transactions: number | null;
  /** deliveries × msPerDelivery + transactions × msPerTransaction. */
  floorMs: number | null;
  /** (storeMs − floorMs) ÷ storeMs. */
  aboveFloor: number | null;
}

export interface SustainabilityCriteria {
  /** completed/s ÷ offered/s at least this. */
  minCompletionRatio: number;
  /** p99 of POST → final state below this. */
  maxFinalP99Ms: number;
}

export interface ProcessCpu {
  /** `orders`, ..., `rabbitmq`, `postgres`, `mail-sink`, `bench` (this process: load generator and poller). */
  name: string;
  pids: number[];
  /** Percent of one core during the send window. */
  windowPercent: number;
  /** CPU time over the window and the drain, ms. */
  cpuMs: number;
  /** CPU time per completed order over the window and the drain. */
  msPerOrder: number | null;
}

/** What a send window offered and how much of it the store took: a rate's, or an overload segment's. */
export interface OfferedLoad {
  offeredRate: number;
  durationS: number;
  planned: number;
  sent: number;
  accepted: number;
  acceptedPerSec: number;
}

export interface RateResult extends OfferedLoad {
  /** Orders of this phase final within the window plus the grace period. */
  completedInWindow: number;
  completedPerSec: number;
  /** Orders of this phase final once the drain ended. */
  finalAtEnd: number;
  cancelled: number;
  drainMs: number;
  post: LatencySummary;
  /** POST sent → final state seen by the poller, for the sampled orders. */
  final: LatencySummary;
  /** POST sent → final state recorded by Orders (the timeline's time), for the same orders. */
  finalRecorded: LatencySummary;
  broker: BrokerRates | null;
  cpu: ProcessCpu[];
  /** Store CPU, floor, share above it and harness CPU, per completed order. */
  cpuPerOrder: CpuPerOrder;
  /** E-mails the mail sink accepted per completed order (null when the bench ran no sink). */
  emailsPerOrder: number | null;
  /** Busy share of all cores of the machine during the window (every process, not only the store). */
  machineBusyPercent: number;
  /** CPU of every other process of the machine during the window (other work sharing it), percent of one core. */
  otherPercent: number;
  /** PostgreSQL CPU per database (backends alive at the end), percent of one core during the window. */
  postgresByDatabase: Record<string, number>;
  /** Per completed order, per service database (pg_stat_database): transactions and rows written. */
  postgresPerOrder: Record<string, { transactions: number; rowsWritten: number }>;
  /** Per completed order, per service (GET /health): events handled and retried, and how batched. */
  consumersPerOrder: Record<string, ConsumerPerOrder>;
  errors: RateErrors;
  /** Worst delay of a send behind its schedule (the load generator's own lag). */
  schedulerLagMaxMs: number;
  /** GET /orders/:id per second made by the final-state poller over the window and drain (its own load). */
  pollsPerSec: number;
  sustainable: boolean;
  reasons: string[];
}

export interface RateErrors {
  /** HTTP status → count, for answers other than 201. */
  status: Record<string, number>;
  /** Error code → count (connection refused, reset, timeout...). */
  network: Record<string, number>;
  /** Accepted orders not final when the drain ended. */
  notFinal: number;
  /** Sends dropped because too many requests were already in flight. */
  skipped: number;
  total: number;
}

export interface BrokerRates {
  publishPerSec: number;
  deliverPerSec: number;
  /** Deliveries per completed order (the deliver count's delta ÷ orders final at the end). */
  deliveriesPerOrder: number | null;
  source: string;
}

/**
 * The overload phase: `during`, factor × the max sustainable rate (or --overload-rate) for the phase's
 * duration, then `after`, the sustainable rate again for as long, one open-loop schedule; then the drain.
 */
export interface OverloadResult {
  /** The rate returned to after the overload, and the yardstick of completed/s. */
  sustainableRate: number;
  overloadRate: number;
  /** overloadRate ÷ sustainableRate. */
  factor: number;
  durationS: number;
  during: OverloadSegment;
  after: OverloadSegment;
  /** Accepted (201) orders of both segments, and how many of them were final once the drain ended. */
  accepted: number;
  finalAtEnd: number;
  drainMs: number;
  /** The whole phase: HTTP answers other than 201 and 503-with-Retry-After, network errors, not sent, not final. */
  errors: RateErrors;
  broker: BrokerRates | null;
  cpu: ProcessCpu[];
  cpuPerOrder: CpuPerOrder;
  /** Busy share of all cores over both segments. */
  machineBusyPercent: number;
  /** completed/s during and after must each be at least this share of the sustainable rate. */
  minThroughputRatio: number;
  /** Completed/s held (during and after), nothing lost, no errors. */
  holds: boolean;
  reasons: string[];
}

export interface OverloadSegment extends OfferedLoad {
  /**
   * Orders that became final per second while this segment was sent (any order: the store's throughput);
   * null when Orders did not answer the count at one of its ends.
   */
  completedPerSec: number | null;
  /** completedPerSec ÷ the sustainable rate. */
  throughputRatio: number | null;
  /** 503 answers with Retry-After (the store refusing, not an error here), Retry-After value → count. */
  refused: number;
  retryAfter: Record<string, number>;
  post: LatencySummary;
  /** POST due → final state seen, for the sampled accepted orders of this segment. */
  final: LatencySummary;
  /** POST due → final state recorded by Orders, for the same orders. */
  finalRecorded: LatencySummary;
  /** This segment's share of the phase's errors (notFinal is counted for the phase only). */
  errors: RateErrors;
  schedulerLagMaxMs: number;
}
