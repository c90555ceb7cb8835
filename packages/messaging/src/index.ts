export { MessagingModule } from './messaging.module';
export { messagingOptionsFromEnv, type MessagingOptions, type RetryPolicyOptions } from './messaging.options';
export { OutboxService, type OutboxMetadata } from './outbox/outbox.service';
export { OutboxRelay } from './outbox/outbox-relay.service';
export { EventConsumers } from './consume/event-consumers.service';
export { HandleEvent } from './consume/handle-event.decorator';
export { PermanentEventError } from './errors';
export { Headers, type DeadLetterReason } from './headers';
export {
  retryQueueName,
  deadLetterQueueName,
  isDeadLetterQueue,
  originalQueueOfDeadLetterQueue,
} from './topology/queue-names';
export type { SqlExecutor, TransactionRunner } from './transaction';
export { declareStoreTopology } from './topology/declare-store-topology';
export { consumerQueueArguments, deadLetterQueueArguments, retryQueueArguments } from './topology/queue-arguments';
export { allRetryDelaysMs, retryDelayMs } from './consume/retry-policy';
