import { Injectable } from '@nestjs/common';

/** Outcomes since start, per kind: for the health page, the bench and tests. */
@Injectable()
export class ConsumerStats {
  handled = 0;
  duplicates = 0;
  retried = 0;
  deadLettered = 0;
  /** Transactions that handled more than one message, and how many messages they held. */
  batches = 0;
  batchedMessages = 0;
  batchRollbacks = 0;

  snapshot() {
    const { handled, duplicates, retried, deadLettered, batches, batchedMessages, batchRollbacks } = this;
    return { handled, duplicates, retried, deadLettered, batches, batchedMessages, batchRollbacks };
  }
}
