/** How long a failed e-mail waits before it is sent again. */
export interface SendRetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Wait after the `failures`-th failed send: the initial delay, doubling with each failure, at most the max. */
export function sendRetryDelayMs(failures: number, { initialDelayMs, maxDelayMs }: SendRetryPolicy): number {
  return Math.min(initialDelayMs * 2 ** Math.max(0, failures - 1), maxDelayMs);
}
