/** Wait before publishing refused events again: 100 ms, doubling with each refusal, at most 5 s. */
export function publishBackoffMs(refusals: number): number {
  return Math.min(100 * 2 ** Math.max(0, refusals), 5000);
}
