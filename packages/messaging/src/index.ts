export { MessagingModule } from './messaging.module';
export {
  messagingOptionsFromEnv,
  type MessagingOptions,
  type RetentionOptions,
  type RetryPolicyOptions,
} from './messaging.options';
export {
  MessageRetention,
  RETENTION_LOCK,
  type RetentionRun,
  type TableRetention,
} from './retention/message-retention.service';
export { shortestInboxRetentionMs } from './retention/inbox-window';
export { OutboxService, type OutboxMetadata } from './outbox/outbox.service';
export { OutboxRelay } from './outbox/outbox-relay.service';
export { EventConsumers } from './consume/event-consumers.service';
export { HandleEvent } from './consume/handle-event.decorator';
export { DependencyUnavailableError, EventArrivedEarlyError, PermanentEventError } from './errors';
export { broughtEarlier, nothingToDo } from './consume/event-preconditions';
export { Headers, type DeadLetterReason } from './headers';
export { Tracing } from './tracing/tracing';
export {
  RETRY_EXCHANGE,
  REQUEUE_EXCHANGE,
  retryQueueName,
  retryRoutingKey,
  retryQueueBindingKey,
  requeueBindingKey,
  deadLetterQueueName,
  isDeadLetterQueue,
  originalQueueOfDeadLetterQueue,
} from './topology/queue-names';
export { Database } from './sql/database';
export { createDatabasePool, TransactionPool } from './sql/database-pools';
export { SqlTransaction, type SqlExecutor } from './sql/sql-transaction';
export { isUniqueViolation } from './sql/unique-violation';
export type { OutboxLag } from './outbox/outbox-relay.service';
export { declareStoreTopology, type StoreTopologyOptions } from './topology/declare-store-topology';
export { declareRetryTopology } from './topology/declare-retry-topology';
export { bindConsumerQueueForRetries } from './topology/bind-consumer-queue-for-retries';
export { DEFAULT_RETRY_POLICY, defaultRetryDelaysMs } from './topology/default-retry-policy';
export {
  DEFAULT_QUEUE_MAX_LENGTH,
  consumerQueueArguments,
  deadLetterQueueArguments,
  retryQueueArguments,
  type ConsumerQueueLimits,
} from './topology/queue-arguments';
export { allRetryDelaysMs, retryDelayMs, retrySpanMs } from './consume/retry-policy';
export { CoalescingWriter } from './batching/coalescing-writer';
export { RecurringSweep } from './batching/recurring-sweep';
export { parseTraceparent, traceIdFor } from './tracing/traceparent';
