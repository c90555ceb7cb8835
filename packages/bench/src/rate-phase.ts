import { finalCounts, finalCountsRetrying, type FinalCounts } from './final-counts';
import { FinalStatePoller } from './final-state-poller';
import type { HttpClient } from './http-client';
import { OpenLoopSender } from './open-loop-sender';
import { summarize } from './percentiles';
import { PhaseMeter, type MeterSources } from './phase-meter';
import type { RateResult, SustainabilityCriteria } from './results';
import { isSampled, plannedCount, pollBudgetPerSec, sampleStride } from './schedule';
import { sleep, sleepUntil } from './sleep';
import { judgeRate, rateErrors } from './sustainable';

/** What a phase runs with: the store to send to, and where its counters come from (PhaseMeter's). */
export interface PhaseContext extends MeterSources {
  http: HttpClient;
  ordersUrl: string;
  /** The POST /orders body, serialised once. */
  orderBody: string;
  /** Share of accepted orders to cancel right away (--cancel-share). */
  cancelShare: number;
  maxSamples: number;
  criteria: SustainabilityCriteria;
  log: (line: string) => void;
  signal: AbortSignal;
}

const PROGRESS_EVERY_MS = 2_000;

/**
 * Logs `line(seconds since t0, the store's final counts)` every PROGRESS_EVERY_MS while a phase runs;
 * a tick is skipped while the previous count is still out, and a failed count logs nothing. Returns
 * the interval, for clearInterval.
 */
export function logProgress(
  ctx: PhaseContext,
  counts: () => Promise<FinalCounts>,
  t0: number,
  line: (t: number, now: FinalCounts) => string,
): NodeJS.Timeout {
  let busy = false;
  return setInterval(() => {
    if (busy) return;
    busy = true;
    counts()
      .then((now) => ctx.log(line(Math.round((performance.now() - t0) / 1000), now)))
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, PROGRESS_EVERY_MS);
}

/**
 * One rate: sends rate × duration orders open-loop, follows a sample to their final state, then waits
 * for the whole phase to drain and the broker counters to settle. `drained` is false when accepted
 * orders were still not final after the drain timeout (a backlog the next rate would inherit);
 * `finalTotal` is the store's count of final orders when the drain ended.
 */
export async function runRatePhase(
  ctx: PhaseContext,
  rate: number,
  durationS: number,
): Promise<{ result: RateResult; drained: boolean; finalTotal: number }> {
  const { http, signal } = ctx;
  const total = plannedCount(rate, durationS);
  const drainTimeoutMs = Math.max(30_000, 2 * durationS * 1000);
  const graceMs = ctx.criteria.maxFinalP99Ms;
  const { sender, poller } = sampledSender(ctx, rate, durationS, rate);
  const stats = sender.stats;

  const base = await finalCountsRetrying(http, ctx.ordersUrl, 60_000);
  // The latest successful count: what is known when an overloaded Orders fails to answer one.
  let known = base;
  const counts = async () => {
    const now = await finalCounts(http, ctx.ordersUrl);
    known = now;
    return now;
  };
  const meter = await PhaseMeter.begin(ctx);
  const t0 = performance.now();
  poller.start();

  const progress = logProgress(
    ctx,
    counts,
    t0,
    (t, now) =>
      `  ${rate}/s t=${t}s: sent ${stats.sent}, 201 ${stats.accepted}, in flight ${sender.inFlight}, final ${now.total - base.total}, sampled pending ${poller.pending}`,
  );

  let atGrace: FinalCounts;
  let latest: FinalCounts;
  let drainMs: number;
  let countsFailed = false;
  const windowEnd = t0 + durationS * 1000;
  try {
    // Open loop: every order at its due time, whatever the answers to the earlier ones.
    await sender.run(rate, durationS, t0, signal);

    await sleepUntil(windowEnd, signal);
    meter.endWindow();
    // Orders sent at the very end get the p99 bound to complete before completions are counted.
    await sleepUntil(windowEnd + graceMs, signal);
    atGrace = await counts().catch(async () => {
      await sleep(1000, signal);
      return counts().catch(() => {
        countsFailed = true;
        return known;
      });
    });
    await sender.settled();

    latest = atGrace;
    while (!signal.aborted && performance.now() - windowEnd < drainTimeoutMs) {
      latest = await counts().catch(() => known);
      if (latest.total - base.total >= stats.accepted && poller.pending === 0) break;
      await sleep(500, signal);
    }
    drainMs = Math.round(performance.now() - windowEnd);
    meter.endDrain();
  } finally {
    poller.stop();
    clearInterval(progress);
  }

  const accepted = stats.accepted;
  const finalAtEnd = Math.min(accepted, latest.total - base.total);
  const errors = rateErrors(stats, accepted - finalAtEnd);
  const drained = errors.notFinal === 0;
  ctx.log(
    drained
      ? `  ${rate}/s: all ${accepted} accepted orders final ${(drainMs / 1000).toFixed(1)} s after the window`
      : `  ${rate}/s: ${errors.notFinal} of ${accepted} accepted orders still not final ${(drainMs / 1000).toFixed(1)} s after the window`,
  );
  if (ctx.cancelShare > 0) ctx.log(`  ${rate}/s: cancellations asked, by answer: ${JSON.stringify(stats.cancels)}`);

  const costs = await meter.finish(finalAtEnd, durationS, signal);
  const completedInWindow = Math.min(accepted, atGrace.total - base.total);
  const completedPerSec = round1(completedInWindow / durationS);
  const final = summarize(poller.latencies);
  const reasons = judgeRate(
    { offeredRate: rate, completedPerSec, finalP99Ms: final.p99, errors: errors.total },
    ctx.criteria,
  );
  if (countsFailed)
    reasons.push('Orders failed to answer the count at the end of the window: completed/s is a lower bound');
  const result: RateResult = {
    offeredRate: rate,
    durationS,
    planned: total,
    sent: stats.sent,
    accepted,
    acceptedPerSec: round1(accepted / durationS),
    completedInWindow,
    completedPerSec,
    finalAtEnd,
    cancelled: latest.cancelled - base.cancelled,
    drainMs,
    post: summarize(stats.postLatencies),
    final,
    finalRecorded: summarize(poller.recordedLatencies),
    broker: costs.broker,
    cpu: costs.cpu,
    cpuPerOrder: costs.cpuPerOrder,
    emailsPerOrder: costs.emailsPerOrder,
    machineBusyPercent: costs.machineBusyPercent,
    otherPercent: costs.otherPercent,
    postgresByDatabase: costs.postgresByDatabase,
    postgresPerOrder: costs.postgresPerOrder,
    consumersPerOrder: costs.consumersPerOrder,
    errors,
    schedulerLagMaxMs: Math.round(stats.lagMaxMs),
    pollsPerSec: round1(poller.polls / ((drainMs + durationS * 1000) / 1000)),
    sustainable: reasons.length === 0,
    reasons,
  };
  return { result, drained, finalTotal: latest.total };
}

/**
 * An open-loop sender of `rate` orders/s for `durationS`, and the poller that follows a sample of the
 * orders it gets accepted (ctx.maxSamples at most) to their final state, within `pollRate`'s budget.
 */
export function sampledSender(
  ctx: PhaseContext,
  rate: number,
  durationS: number,
  pollRate: number,
): { sender: OpenLoopSender; poller: FinalStatePoller } {
  const stride = sampleStride(plannedCount(rate, durationS), ctx.maxSamples);
  const poller = new FinalStatePoller(ctx.http, ctx.ordersUrl, pollBudgetPerSec(pollRate));
  const sender = new OpenLoopSender(
    ctx.http,
    ctx.ordersUrl,
    ctx.orderBody,
    {
      sampled: (index) => isSampled(index, stride),
      accepted: (id, due) => poller.track(id, due),
    },
    ctx.cancelShare,
  );
  return { sender, poller };
}

/** One decimal, for rates and per-second figures in the results. */
export const round1 = (v: number) => Math.round(v * 10) / 10;
