import { finalCounts, timedFinalCounts, type FinalCounts, type TimedCounts } from './final-counts';
import { FinalStatePoller } from './final-state-poller';
import { OpenLoopSender } from './open-loop-sender';
import { summarize } from './percentiles';
import { PhaseMeter } from './phase-meter';
import { logProgress, round1, sampledSender, type PhaseContext } from './rate-phase';
import type { OverloadResult, OverloadSegment, RateErrors } from './results';
import { sleep, sleepUntil } from './sleep';
import { MIN_OVERLOAD_THROUGHPUT, judgeOverload, rateErrors } from './sustainable';

export interface OverloadPlan {
  /** The rate returned to after the overload (the max sustainable rate found). */
  sustainableRate: number;
  overloadRate: number;
  durationS: number;
}

/** How long a count of final orders may take to answer at a segment's boundary (Orders is overloaded). */
const BOUNDARY_COUNT_WITHIN_MS = 15_000;

interface Segment {
  rate: number;
  sender: OpenLoopSender;
  poller: FinalStatePoller;
}

/**
 * Offers `overloadRate` for the duration, then `sustainableRate` for as long again (one open-loop
 * schedule, no pause between), then waits for every accepted order to be final. Completed/s of each
 * segment is the store's throughput while it was sent: final orders counted at the start, at the
 * switch and at the end, over the time between the counts. A 503 with Retry-After is the store
 * refusing work, not an error; any other answer but 201 is one, and so is an accepted order not final
 * once the drain ends.
 */
export async function runOverloadPhase(ctx: PhaseContext, plan: OverloadPlan): Promise<OverloadResult> {
  const { http, signal } = ctx;
  const { sustainableRate, overloadRate, durationS } = plan;
  // Polls at the sustainable rate's budget in both segments: the poller must not add to the overload.
  const segment = (rate: number): Segment => ({ rate, ...sampledSender(ctx, rate, durationS, sustainableRate) });
  const during = segment(overloadRate);
  const after = segment(sustainableRate);
  const segments = [during, after];
  const accepted = () => during.sender.stats.accepted + after.sender.stats.accepted;
  const pending = () => during.poller.pending + after.poller.pending;
  const drainTimeoutMs = Math.max(30_000, 2 * 2 * durationS * 1000);

  const meter = await PhaseMeter.begin(ctx);
  const base = await timedFinalCounts(http, ctx.ordersUrl, 60_000);
  let known: FinalCounts = base;
  const counts = async () => {
    const now = await finalCounts(http, ctx.ordersUrl);
    known = now;
    return now;
  };
  const t0 = performance.now();
  const switchAt = t0 + durationS * 1000;
  const endAt = switchAt + durationS * 1000;
  for (const s of segments) s.poller.start();
  // Counted while the overload is still being sent: the switch must not wait for the senders.
  const atSwitch = sleepUntil(switchAt, signal).then(() =>
    timedFinalCounts(http, ctx.ordersUrl, BOUNDARY_COUNT_WITHIN_MS).catch(() => null),
  );

  const progress = logProgress(ctx, counts, t0, (t, now) => {
    const sent = during.sender.stats.sent + after.sender.stats.sent;
    const refused = during.sender.stats.refused + after.sender.stats.refused;
    const inFlight = during.sender.inFlight + after.sender.inFlight;
    return `  overload t=${t}s: sent ${sent}, 201 ${accepted()}, 503 refused ${refused}, in flight ${inFlight}, final ${now.total - base.total}, sampled pending ${pending()}`;
  });

  let atSwitchCounts: TimedCounts | null;
  let atEnd: TimedCounts | null;
  let latest: FinalCounts;
  let drainMs: number;
  try {
    await during.sender.run(overloadRate, durationS, t0, signal);
    await after.sender.run(sustainableRate, durationS, switchAt, signal);
    await sleepUntil(endAt, signal);
    meter.endWindow();
    atEnd = await timedFinalCounts(http, ctx.ordersUrl, BOUNDARY_COUNT_WITHIN_MS).catch(() => null);
    atSwitchCounts = await atSwitch;
    await Promise.all(segments.map((s) => s.sender.settled()));

    latest = atEnd ?? known;
    while (!signal.aborted && performance.now() - endAt < drainTimeoutMs) {
      latest = await counts().catch(() => known);
      if (latest.total - base.total >= accepted() && pending() === 0) break;
      await sleep(500, signal);
    }
    drainMs = Math.round(performance.now() - endAt);
    meter.endDrain();
  } finally {
    for (const s of segments) s.poller.stop();
    clearInterval(progress);
  }

  const total = accepted();
  const finalAtEnd = Math.min(total, latest.total - base.total);
  const perSec = (from: TimedCounts | null, to: TimedCounts | null) =>
    from && to && to.atMs > from.atMs ? round1((to.total - from.total) / ((to.atMs - from.atMs) / 1000)) : null;
  const duringPerSec = perSec(base, atSwitchCounts);
  const afterPerSec = perSec(atSwitchCounts, atEnd);
  const duringErrors = rateErrors(during.sender.stats, 0, { refusalsAreErrors: false });
  const afterErrors = rateErrors(after.sender.stats, 0, { refusalsAreErrors: false });
  const errors = mergeErrors(duringErrors, afterErrors, total - finalAtEnd);
  ctx.log(
    errors.notFinal === 0
      ? `  overload: all ${total} accepted orders final ${(drainMs / 1000).toFixed(1)} s after the window`
      : `  overload: ${errors.notFinal} of ${total} accepted orders still not final ${(drainMs / 1000).toFixed(1)} s after the window`,
  );

  const costs = await meter.finish(finalAtEnd, 2 * durationS, signal);
  const reasons = judgeOverload({ sustainableRate, duringPerSec, afterPerSec, errors });
  const toSegment = (s: Segment, completedPerSec: number | null, segmentErrors: RateErrors): OverloadSegment => ({
    offeredRate: s.rate,
    durationS,
    planned: s.sender.stats.planned,
    sent: s.sender.stats.sent,
    accepted: s.sender.stats.accepted,
    acceptedPerSec: round1(s.sender.stats.accepted / durationS),
    completedPerSec,
    throughputRatio: completedPerSec === null ? null : Math.round((completedPerSec / sustainableRate) * 1000) / 1000,
    refused: s.sender.stats.refused,
    retryAfter: s.sender.stats.retryAfter,
    post: summarize(s.sender.stats.postLatencies),
    final: summarize(s.poller.latencies),
    finalRecorded: summarize(s.poller.recordedLatencies),
    errors: segmentErrors,
    schedulerLagMaxMs: Math.round(s.sender.stats.lagMaxMs),
  });
  return {
    sustainableRate,
    overloadRate,
    factor: Math.round((overloadRate / sustainableRate) * 100) / 100,
    durationS,
    during: toSegment(during, duringPerSec, duringErrors),
    after: toSegment(after, afterPerSec, afterErrors),
    accepted: total,
    finalAtEnd,
    drainMs,
    errors,
    broker: costs.broker,
    cpu: costs.cpu,
    cpuPerOrder: costs.cpuPerOrder,
    machineBusyPercent: costs.machineBusyPercent,
    minThroughputRatio: MIN_OVERLOAD_THROUGHPUT,
    holds: reasons.length === 0,
    reasons,
  };
}

/**
 * Before the overload phase: a rate whose backlog did not drain left orders in flight that would count
 * as the overload's completions. Waits until the store's final count reaches `target`, stops moving
 * for 10 s (what is left is stuck), or `withinMs` passes; returns how many were still not final (null
 * when Orders never answered the count).
 */
export async function waitForBacklog(ctx: PhaseContext, target: number, withinMs: number): Promise<number | null> {
  const deadline = performance.now() + withinMs;
  let last = -1;
  let movedAt = performance.now();
  for (;;) {
    const now = await finalCounts(ctx.http, ctx.ordersUrl).catch(() => undefined);
    if (now) {
      if (now.total >= target) return 0;
      if (now.total !== last) {
        last = now.total;
        movedAt = performance.now();
      }
    }
    if (ctx.signal.aborted || performance.now() > deadline || performance.now() - movedAt > 10_000) {
      return last < 0 ? null : target - last;
    }
    await sleep(1000, ctx.signal);
  }
}

function mergeErrors(a: RateErrors, b: RateErrors, notFinal: number): RateErrors {
  const add = (x: Record<string, number>, y: Record<string, number>) => {
    const sum = { ...x };
    for (const [k, v] of Object.entries(y)) sum[k] = (sum[k] ?? 0) + v;
    return sum;
  };
  return {
    status: add(a.status, b.status),
    network: add(a.network, b.network),
    notFinal,
    skipped: a.skipped + b.skipped,
    total: a.total + b.total + notFinal,
  };
}
