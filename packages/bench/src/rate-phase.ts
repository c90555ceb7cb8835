import type { BrokerCounters } from './broker-counters';
import { consumersPerOrder, type ConsumerActivity } from './consumer-activity';
import type { CpuSampler, CpuSnapshot } from './cpu-sampler';
import { perOrder, type PostgresActivity } from './postgres-activity';
import { FinalStatePoller } from './final-state-poller';
import { NetworkError, type HttpClient } from './http-client';
import { summarize } from './percentiles';
import type { ProcessCpu, RateErrors, RateResult, SustainabilityCriteria } from './results';
import { dueCount, dueTimeMs, isSampled, plannedCount, pollBudgetPerSec, sampleStride } from './schedule';
import { sleep, sleepUntil } from './sleep';
import { judgeRate } from './sustainable';

export interface PhaseContext {
  http: HttpClient;
  ordersUrl: string;
  /** The POST /orders body, serialised once. */
  orderBody: string;
  cpu: CpuSampler;
  broker: BrokerCounters | undefined;
  postgres: PostgresActivity | undefined;
  consumers: ConsumerActivity | undefined;
  maxSamples: number;
  criteria: SustainabilityCriteria;
  log: (line: string) => void;
  signal: AbortSignal;
}

/** Requests in flight beyond which a due send is dropped (and counted): the generator must stay bounded. */
const MAX_IN_FLIGHT = 2_000;
const POST_TIMEOUT_MS = 30_000;
/**
 * The management API refreshes its counters every 5 s, and PostgreSQL backends flush theirs when idle:
 * wait this long after the drain before reading them.
 */
const SETTLE_MS = 6_000;
const PROGRESS_EVERY_MS = 2_000;

export interface FinalCounts {
  total: number;
  cancelled: number;
}

/** Orders in a final state so far, from the totals of GET /orders?status=… (one count query each). */
export async function finalCounts(http: HttpClient, ordersUrl: string): Promise<FinalCounts> {
  const [shipped, cancelled] = await Promise.all(
    ['SHIPPED', 'CANCELLED'].map(
      async (status) =>
        (await http.json<{ total: number }>('GET', `${ordersUrl}/orders?status=${status}&pageSize=1`)).total,
    ),
  );
  return { total: shipped! + cancelled!, cancelled: cancelled! };
}

/** finalCounts, retried for up to `withinMs`: an overloaded Orders may fail one of them. */
async function finalCountsRetrying(http: HttpClient, ordersUrl: string, withinMs: number): Promise<FinalCounts> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    try {
      return await finalCounts(http, ordersUrl);
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(500);
    }
  }
}

/**
 * One rate: sends rate × duration orders open-loop, follows a sample to their final state, then waits
 * for the whole phase to drain and the broker counters to settle. `drained` is false when accepted
 * orders were still not final after the drain timeout (a backlog the next rate would inherit).
 */
export async function runRatePhase(
  ctx: PhaseContext,
  rate: number,
  durationS: number,
): Promise<{ result: RateResult; drained: boolean }> {
  const { http, signal } = ctx;
  const total = plannedCount(rate, durationS);
  const stride = sampleStride(total, ctx.maxSamples);
  const drainTimeoutMs = Math.max(30_000, 2 * durationS * 1000);
  const graceMs = ctx.criteria.maxFinalP99Ms;
  const poller = new FinalStatePoller(http, ctx.ordersUrl, pollBudgetPerSec(rate));

  const base = await finalCountsRetrying(http, ctx.ordersUrl, 60_000);
  // The latest successful count: what is known when an overloaded Orders fails to answer one.
  let known = base;
  const counts = async () => {
    const now = await finalCounts(http, ctx.ordersUrl);
    known = now;
    return now;
  };
  const brokerBefore = await ctx.broker?.read();
  const postgresBefore = await ctx.postgres?.read();
  const consumersBefore = await ctx.consumers?.read();
  const cpuStart = ctx.cpu.snapshot();
  const t0 = performance.now();
  poller.start();

  let sent = 0;
  let accepted = 0;
  let inFlight = 0;
  let lagMax = 0;
  const postLatencies: number[] = [];
  const errors: RateErrors = { status: {}, network: {}, notFinal: 0, skipped: 0, total: 0 };
  const requests = new Set<Promise<void>>();

  const fire = (index: number) => {
    const due = t0 + dueTimeMs(index, rate);
    lagMax = Math.max(lagMax, performance.now() - due);
    if (inFlight >= MAX_IN_FLIGHT) {
      errors.skipped++;
      return;
    }
    const sampled = isSampled(index, stride);
    sent++;
    inFlight++;
    const request = http
      // Only a followed order's answer is read (for its id): the others' bodies are drained unparsed.
      .send('POST', `${ctx.ordersUrl}/orders`, {
        body: ctx.orderBody,
        timeoutMs: POST_TIMEOUT_MS,
        discardBody: !sampled,
      })
      .then((response) => {
        if (response.status === 201) {
          accepted++;
          postLatencies.push(performance.now() - due);
          const id = sampled ? (response.body as { id?: string } | undefined)?.id : undefined;
          if (id) poller.track(id, due);
        } else {
          errors.status[response.status] = (errors.status[response.status] ?? 0) + 1;
        }
      })
      .catch((error: unknown) => {
        const code = error instanceof NetworkError ? error.code : 'ERROR';
        errors.network[code] = (errors.network[code] ?? 0) + 1;
      })
      .finally(() => {
        inFlight--;
        requests.delete(request);
      });
    requests.add(request);
  };

  let progressBusy = false;
  const progress = setInterval(() => {
    if (progressBusy) return;
    progressBusy = true;
    counts()
      .then((now) => {
        const t = Math.round((performance.now() - t0) / 1000);
        ctx.log(
          `  ${rate}/s t=${t}s: sent ${sent}, 201 ${accepted}, in flight ${inFlight}, final ${now.total - base.total}, sampled pending ${poller.pending}`,
        );
      })
      .catch(() => undefined)
      .finally(() => {
        progressBusy = false;
      });
  }, PROGRESS_EVERY_MS);

  let cpuWindow: CpuSnapshot;
  let cpuEnd: CpuSnapshot;
  let atGrace: FinalCounts;
  let latest: FinalCounts;
  let drainMs: number;
  let countsFailed = false;
  const windowEnd = t0 + durationS * 1000;
  try {
    // Open loop: every order at its due time, whatever the answers to the earlier ones.
    let next = 0;
    while (next < total && !signal.aborted) {
      const due = dueCount(performance.now() - t0, rate, total);
      while (next < due) fire(next++);
      if (next >= total) break;
      await sleep(t0 + dueTimeMs(next, rate) - performance.now());
    }
    errors.skipped += total - next;

    await sleepUntil(windowEnd, signal);
    cpuWindow = ctx.cpu.snapshot();
    // Orders sent at the very end get the p99 bound to complete before completions are counted.
    await sleepUntil(windowEnd + graceMs, signal);
    atGrace = await counts().catch(async () => {
      await sleep(1000, signal);
      return counts().catch(() => {
        countsFailed = true;
        return known;
      });
    });
    await Promise.allSettled([...requests]);

    latest = atGrace;
    while (!signal.aborted && performance.now() - windowEnd < drainTimeoutMs) {
      latest = await counts().catch(() => known);
      if (latest.total - base.total >= accepted && poller.pending === 0) break;
      await sleep(500, signal);
    }
    drainMs = Math.round(performance.now() - windowEnd);
    cpuEnd = ctx.cpu.snapshot();
  } finally {
    poller.stop();
    clearInterval(progress);
  }

  const finalAtEnd = Math.min(accepted, latest.total - base.total);
  errors.notFinal = accepted - finalAtEnd;
  errors.total =
    Object.values(errors.status).reduce((a, b) => a + b, 0) +
    Object.values(errors.network).reduce((a, b) => a + b, 0) +
    errors.notFinal +
    errors.skipped;
  const drained = errors.notFinal === 0;
  ctx.log(
    drained
      ? `  ${rate}/s: all ${accepted} accepted orders final ${(drainMs / 1000).toFixed(1)} s after the window`
      : `  ${rate}/s: ${errors.notFinal} of ${accepted} accepted orders still not final ${(drainMs / 1000).toFixed(1)} s after the window`,
  );

  let broker: RateResult['broker'] = null;
  let postgresPerOrder: RateResult['postgresPerOrder'] = {};
  if ((ctx.broker && brokerBefore) || (ctx.postgres && postgresBefore)) {
    await sleep(SETTLE_MS, signal);
    const after = await ctx.broker?.read();
    if (ctx.broker && brokerBefore && after) {
      broker = {
        publishPerSec: round1((after.publish - brokerBefore.publish) / durationS),
        deliverPerSec: round1((after.deliver - brokerBefore.deliver) / durationS),
        source: ctx.broker.source,
      };
    }
    const postgresAfter = await ctx.postgres?.read();
    if (postgresBefore && postgresAfter) postgresPerOrder = perOrder(postgresBefore, postgresAfter, finalAtEnd);
  }
  const consumersAfter = await ctx.consumers?.read();
  const consumers =
    consumersBefore && consumersAfter ? consumersPerOrder(consumersBefore, consumersAfter, finalAtEnd) : {};

  const completedInWindow = Math.min(accepted, atGrace.total - base.total);
  const completedPerSec = round1(completedInWindow / durationS);
  const final = summarize(poller.latencies);
  const reasons = judgeRate(
    { offeredRate: rate, completedPerSec, finalP99Ms: final.p99, errors: errors.total },
    ctx.criteria,
  );
  if (countsFailed)
    reasons.push('Orders failed to answer the count at the end of the window: completed/s is a lower bound');
  const windowCpu = ctx.cpu.delta(cpuStart, cpuWindow);
  const result: RateResult = {
    offeredRate: rate,
    durationS,
    planned: total,
    sent,
    accepted,
    acceptedPerSec: round1(accepted / durationS),
    completedInWindow,
    completedPerSec,
    finalAtEnd,
    cancelled: latest.cancelled - base.cancelled,
    drainMs,
    post: summarize(postLatencies),
    final,
    broker,
    cpu: processCpu(ctx.cpu, cpuStart, cpuWindow, cpuEnd, finalAtEnd),
    machineBusyPercent: windowCpu.machineBusyPercent,
    otherPercent: windowCpu.otherPercent,
    postgresByDatabase: windowCpu.postgresByDatabase,
    postgresPerOrder,
    consumersPerOrder: consumers,
    errors,
    schedulerLagMaxMs: Math.round(lagMax),
    pollsPerSec: round1(poller.polls / ((drainMs + durationS * 1000) / 1000)),
    sustainable: reasons.length === 0,
    reasons,
  };
  return { result, drained };
}

function processCpu(
  cpu: CpuSampler,
  start: CpuSnapshot,
  windowEnd: CpuSnapshot,
  drainEnd: CpuSnapshot,
  orders: number,
): ProcessCpu[] {
  const window = cpu.delta(start, windowEnd);
  const whole = cpu.delta(start, drainEnd);
  return window.byTarget
    .filter((t) => t.pids.length)
    .map((t) => {
      const ticks = whole.byTarget.find((w) => w.name === t.name)?.ticks ?? 0;
      return {
        name: t.name,
        pids: t.pids,
        windowPercent: t.percent,
        msPerOrder: orders ? round1(((ticks / cpu.ticksPerSecond) * 1000) / orders) : null,
      };
    });
}

const round1 = (v: number) => Math.round(v * 10) / 10;
