/** Exit codes of the tool: 0 done, 1 failed (broker, queue, partial replay), 2 wrong invocation. */
export const ExitCode = { ok: 0, error: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the operator can act on: its message is printed as is, without a stack. */
export class DlqToolError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.error,
  ) {
    super(message);
    this.name = 'DlqToolError';
  }
}

/** Wrong command line: printed with the usage text, exit code 2. */
export class UsageError extends DlqToolError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}
