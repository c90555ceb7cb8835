import type { ServiceName } from '@loja/contracts';
import { z } from 'zod';
import { parsePublishVersions } from './outbox/published-versions';
import { DEFAULT_QUEUE_MAX_LENGTH } from './topology/queue-arguments';

export interface RetryPolicyOptions {
  /** Deliveries in all, the first included; after the last failed one the message is dead-lettered. */
  attempts: number;
  initialDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

/** How long handled messages are kept (see MessageRetention and ADR 0011). */
export interface RetentionOptions {
  /** Period of the retention sweep (and one at start); 0 turns it off. */
  intervalMs: number;
  /** Age, since it was published, past which an outbox row is deleted. Unpublished rows always stay. */
  outboxRetentionMs: number;
  /** Age, since it was handled, past which an inbox row is deleted: a duplicate is recognised within it. */
  inboxRetentionMs: number;
  /** Most rows one DELETE (one short transaction) removes. */
  batchSize: number;
}

export interface MessagingOptions {
  service: ServiceName;
  rabbitmqUrl: string;
  /** The service's own database: handlers' and use cases' transactions, the relay, the health check. */
  databaseUrl: string;
  /** Connections for transactions (`Database`); the relay has two of its own. */
  databasePoolSize: number;
  /** The topic exchange of domain events. */
  exchange: string;
  /** Unacknowledged messages a consumer may hold at once (per queue). */
  prefetch: number;
  /** Most messages of one queue handled in one transaction under load; 1 handles each alone. */
  batchSize: number;
  retry: RetryPolicyOptions;
  /** Deliveries after which the broker itself dead-letters a message (guards against crash loops). */
  deliveryLimit: number;
  /** Most messages a consumer queue holds; past it the broker refuses publishes (back-pressure). */
  queueMaxLength: number;
  /** Nagle's algorithm off on the broker connection: lower latency per hop, more broker work (ADR 14). */
  tcpNoDelay: boolean;
  outbox: { sweepIntervalMs: number; batchSize: number; publishTimeoutMs: number };
  retention: RetentionOptions;
  /** Readiness thresholds (`GET /health/ready`): past either, the service answers 503. */
  health: {
    /** Oldest unpublished outbox event allowed, in ms. */
    outboxMaxAgeMs: number;
    /** Most messages allowed waiting in any one of the service's consumer queues. */
    consumerMaxWaitingMessages: number;
  };
  /**
   * The version to publish each event in, by type, during a rollout (`PUBLISH_EVENT_VERSIONS`); an
   * event with several versions not listed goes out in its oldest (see publicationPlan).
   */
  publishVersions?: Readonly<Record<string, number>>;
}

const DAY_MS = 24 * 60 * 60_000;

const intFromEnv = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);

/** Settings every service reads the same way; see packages/messaging/README.md for the table. */
const MessagingEnv = z.object({
  RABBITMQ_URL: z.string().url().default('amqp://guest:guest@127.0.0.1:5672'),
  DATABASE_URL: z.string().min(1),
  MESSAGING_DATABASE_POOL_SIZE: z.coerce.number().int().positive().default(6),
  EVENTS_EXCHANGE: z.string().min(1).default('loja.events'),
  MESSAGING_PREFETCH: intFromEnv(50),
  MESSAGING_BATCH_SIZE: z.coerce.number().int().positive().default(25),
  MESSAGING_RETRY_ATTEMPTS: intFromEnv(6),
  MESSAGING_RETRY_INITIAL_DELAY_MS: intFromEnv(250),
  MESSAGING_RETRY_MULTIPLIER: z.coerce.number().min(1).default(4),
  MESSAGING_RETRY_MAX_DELAY_MS: intFromEnv(5 * 60_000),
  MESSAGING_DELIVERY_LIMIT: intFromEnv(20),
  MESSAGING_QUEUE_MAX_LENGTH: z.coerce.number().int().positive().default(DEFAULT_QUEUE_MAX_LENGTH),
  MESSAGING_TCP_NODELAY: z.stringbool().default(false),
  OUTBOX_SWEEP_INTERVAL_MS: intFromEnv(5000),
  OUTBOX_BATCH_SIZE: intFromEnv(200),
  OUTBOX_PUBLISH_TIMEOUT_MS: intFromEnv(10_000),
  MESSAGING_RETENTION_INTERVAL_MS: intFromEnv(10 * 60_000),
  MESSAGING_OUTBOX_RETENTION_MS: intFromEnv(7 * DAY_MS),
  MESSAGING_INBOX_RETENTION_MS: intFromEnv(7 * DAY_MS),
  MESSAGING_RETENTION_BATCH_SIZE: z.coerce.number().int().positive().default(1000),
  HEALTH_OUTBOX_MAX_AGE_MS: intFromEnv(30_000),
  HEALTH_CONSUMER_MAX_WAITING_MESSAGES: intFromEnv(10_000),
});

/** Reads the messaging settings from the environment; fails at boot with the names of bad variables. */
export function messagingOptionsFromEnv(
  base: Pick<MessagingOptions, 'service'>,
  env: NodeJS.ProcessEnv = process.env,
): MessagingOptions {
  const parsed = MessagingEnv.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid messaging configuration: ${fields}`);
  }
  const e = parsed.data;
  let publishVersions: Record<string, number>;
  try {
    publishVersions = parsePublishVersions(env.PUBLISH_EVENT_VERSIONS);
  } catch (error) {
    throw new Error(`invalid messaging configuration: ${(error as Error).message}`);
  }
  return {
    ...base,
    rabbitmqUrl: e.RABBITMQ_URL,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.MESSAGING_DATABASE_POOL_SIZE,
    exchange: e.EVENTS_EXCHANGE,
    prefetch: e.MESSAGING_PREFETCH,
    batchSize: e.MESSAGING_BATCH_SIZE,
    retry: {
      attempts: Math.max(1, e.MESSAGING_RETRY_ATTEMPTS),
      initialDelayMs: e.MESSAGING_RETRY_INITIAL_DELAY_MS,
      multiplier: e.MESSAGING_RETRY_MULTIPLIER,
      maxDelayMs: e.MESSAGING_RETRY_MAX_DELAY_MS,
    },
    deliveryLimit: e.MESSAGING_DELIVERY_LIMIT,
    queueMaxLength: e.MESSAGING_QUEUE_MAX_LENGTH,
    tcpNoDelay: e.MESSAGING_TCP_NODELAY,
    outbox: {
      sweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS,
      batchSize: e.OUTBOX_BATCH_SIZE,
      publishTimeoutMs: e.OUTBOX_PUBLISH_TIMEOUT_MS,
    },
    retention: {
      intervalMs: e.MESSAGING_RETENTION_INTERVAL_MS,
      outboxRetentionMs: e.MESSAGING_OUTBOX_RETENTION_MS,
      inboxRetentionMs: e.MESSAGING_INBOX_RETENTION_MS,
      batchSize: e.MESSAGING_RETENTION_BATCH_SIZE,
    },
    health: {
      outboxMaxAgeMs: e.HEALTH_OUTBOX_MAX_AGE_MS,
      consumerMaxWaitingMessages: e.HEALTH_CONSUMER_MAX_WAITING_MESSAGES,
    },
    publishVersions,
  };
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
