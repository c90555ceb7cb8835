import type { z } from 'zod';

/** Why a message is not a valid event. Such a message can never succeed: it goes straight to the DLQ. */
export type InvalidEventReason = 'invalid-json' | 'invalid-envelope' | 'unknown-type' | 'schema-violation';

export interface FieldIssue {
  /** Dotted path of the failing field, e.g. `data.lines.0.quantity`. */
  field: string;
  message: string;
}

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(
    readonly reason: InvalidEventReason,
    readonly issues: FieldIssue[],
    readonly eventType?: string,
  ) {
    super(
      `${reason}${eventType ? ` (${eventType})` : ''}: ` +
        (issues.length
          ? issues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message)).join('; ')
          : 'no details'),
    );
  }

  static fromZod(reason: InvalidEventReason, error: z.ZodError, eventType?: string): InvalidEventError {
    return new InvalidEventError(
      reason,
      error.issues.map((issue) => ({ field: issue.path.map(String).join('.'), message: issue.message })),
      eventType,
    );
  }
}
