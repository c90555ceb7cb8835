import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { SAMPLE_CUSTOMER, sampleOrderRequest } from '@loja/contracts/samples';
import { RabbitManagement, serverSettingsFromEnv, type Service } from '@loja/provisioning';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import type { BenchOptions } from './args';
import { measureBrokerCeiling } from './broker-ceiling';
import { BrokerCounters } from './broker-counters';
import { CpuSampler, findPostmasterPids, findRabbitPids, type CpuTarget } from './cpu-sampler';
import { ConsumerActivity } from './consumer-activity';
import { floorNote, unitCosts } from './floor';
import { HttpClient } from './http-client';
import { machineInfo } from './machine';
import { startCountingOtlpSink, type CountingOtlpSink } from './counting-otlp-sink';
import { startMailSinkProcess, type MailSinkProcess } from './mail-sink-process';
import { runOverloadPhase, waitForBacklog } from './overload-phase';
import { measurePostgresCeiling } from './postgres-ceiling';
import { PostgresActivity } from './postgres-activity';
import { plannedCount, warmupRate } from './schedule';
import { runRatePhase } from './rate-phase';
import type { BenchReport, OverloadResult, RateResult } from './results';
import { DEFAULT_CRITERIA, maxSustainableRate, utilisation } from './sustainable';
import { sleep } from './sleep';

/** packages/bench/{dist,src}/ → the repository root. */
export const REPO_ROOT = resolve(__dirname, '../../..');

const SERVICES: Service[] = ['orders', 'inventory', 'payments', 'logistics', 'notifications'];
/** The largest restock Inventory takes in one request (Quantity's maximum). */
const MAX_RESTOCK = 10_000;

export interface BenchIo {
  log: (line: string) => void;
  signal: AbortSignal;
}

/** The whole run: ceilings, the store, stock, every rate; cleans up after itself whatever happens. */
export async function runBench(options: BenchOptions, io: BenchIo): Promise<BenchReport> {
  const { log, signal } = io;
  const startedAt = new Date();
  const servers = serverSettingsFromEnv();
  const namespace = `bench${randomBytes(4).toString('hex')}`;
  const own = options.target === undefined;
  const notes: string[] = [];
  log(
    `bench: namespace ${namespace}; rates ${options.rates.join(', ')} orders/s, ${options.durationS} s each; ` +
      (own ? 'starting a store of its own' : `loading ${options.target!.ordersUrl}`),
  );

  const machine = await machineInfo(servers);
  log(
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.nodeVersion}; ` +
      `${machine.busyBeforePercent} % busy before the run`,
  );
  if (machine.busyBeforePercent > 15) {
    const note = `The machine was already ${machine.busyBeforePercent} % busy before the run (other work): results are lower than this machine can do; see the "other" CPU column.`;
    notes.push(note);
    log(`warning: ${note}`);
  }

  const ceilings: BenchReport['ceilings'] = { broker: null, postgres: null };
  if (options.ceilingDurationS > 0) {
    log('ceilings of this machine:');
    ceilings.broker = await measureBrokerCeiling({
      rabbitmqUrl: servers.rabbitmqUrl,
      managementUrl: servers.rabbitmqManagementUrl,
      vhost: `${namespace}_ceiling`,
      durationS: options.ceilingDurationS,
      log,
    }).catch((error: Error) => {
      log(`  RabbitMQ ceiling failed: ${error.message}`);
      notes.push(`RabbitMQ ceiling not measured: ${error.message}`);
      return null;
    });
    ceilings.postgres = await measurePostgresCeiling({
      postgresUrl: servers.postgresUrl,
      database: `${namespace}_ceiling`,
      durationS: options.ceilingDurationS,
      log,
    }).catch((error: Error) => {
      log(`  PostgreSQL ceiling failed: ${error.message}`);
      notes.push(`PostgreSQL ceiling not measured: ${error.message}`);
      return null;
    });
  }

  const units = unitCosts(machine.cores, ceilings);

  const http = new HttpClient();
  let store: RunningStore | undefined;
  let mailSink: MailSinkProcess | undefined;
  let otlpSink: CountingOtlpSink | undefined;
  const rates: RateResult[] = [];
  const skippedRates: number[] = [];
  let overload: OverloadResult | null = null;
  let failed: string | undefined;
  try {
    let urls = options.target;
    if (own && !signal.aborted) {
      mailSink = await startMailSinkProcess();
      log(`mail sink: ${mailSink.smtpUrl} (pid ${mailSink.pid})`);
      if (options.tracing) {
        otlpSink = await startCountingOtlpSink();
        log(`tracing on: spans exported to ${otlpSink.endpoint} (counted, not decoded)`);
      }
      store = await startStore({
        namespace,
        ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
        smtpUrl: mailSink.smtpUrl,
        servers,
        env: { ...options.serviceEnv, ...(otlpSink && { OTEL_EXPORTER_OTLP_ENDPOINT: otlpSink.endpoint }) },
        serviceEnv: { logistics: { SHIPPING_DELAY_MS: '0' } },
        onProgress: (line) => log(`store: ${line}`),
        signal,
      });
      urls = { ordersUrl: store.service('orders').url, inventoryUrl: store.service('inventory').url };
    }
    if (!urls || signal.aborted) throw new Error('interrupted');

    await catalogueReplicated(http, urls.ordersUrl, urls.inventoryUrl);
    const perSku =
      options.rates.reduce((sum, rate) => sum + plannedCount(rate, options.durationS), 0) +
      plannedCount(warmupRate(options.rates), options.warmupS) +
      overloadOrders(options);
    await restock(http, urls.inventoryUrl, options.skus, Math.ceil(perSku * 1.05) + 100, log);

    const sampler = new CpuSampler(cpuTargets(store, mailSink), (database) =>
      database.startsWith(`${namespace}_`) ? database.slice(namespace.length + 1) : '(other databases)',
    );
    const management = new RabbitManagement(servers.rabbitmqManagementUrl);
    const broker = new BrokerCounters(management, own ? namespace : undefined);
    if (!own) notes.push('Broker rates are for the whole broker (the store’s vhost is unknown); no CPU per service.');
    const orderBody = JSON.stringify(orderRequest(options.skus));
    const phase = {
      http,
      ordersUrl: urls.ordersUrl,
      orderBody,
      cancelShare: options.cancelShare,
      cpu: sampler,
      broker,
      postgres: own ? new PostgresActivity(servers.postgresUrl, namespace) : undefined,
      consumers: store ? new ConsumerActivity(http, serviceUrls(store)) : undefined,
      mail: mailSink ? mailCount(http, mailSink.countUrl) : undefined,
      unitCosts: units,
      maxSamples: options.maxSamples,
      criteria: DEFAULT_CRITERIA,
      log,
      signal,
    };
    if (options.warmupS > 0) {
      // Freshly started services are slow for a while (JIT, query caches, pools): not what a rate should measure.
      const rate = warmupRate(options.rates);
      log(`warm-up: ${rate} orders/s for ${options.warmupS} s (not reported)`);
      const { result } = await runRatePhase({ ...phase, log: () => undefined }, rate, options.warmupS);
      log(
        `warm-up done: final p50/p99 ${result.final.p50 ?? 'n/a'}/${result.final.p99 ?? 'n/a'} ms, ` +
          `${result.errors.notFinal} not final after ${(result.drainMs / 1000).toFixed(1)} s`,
      );
    } else {
      // The restock's events and the counters' refresh settle before the first rate.
      await sleep(6_000, signal);
    }

    let backlog: { rate: number; target: number } | undefined;
    for (const [i, rate] of options.rates.entries()) {
      if (signal.aborted) {
        skippedRates.push(...options.rates.slice(i));
        break;
      }
      log(`rate ${rate} orders/s for ${options.durationS} s:`);
      let outcome: Awaited<ReturnType<typeof runRatePhase>>;
      try {
        outcome = await runRatePhase(phase, rate, options.durationS);
      } catch (error) {
        // The store could not even answer the measurement's queries: record it, keep what was measured.
        const message = (error as Error).message;
        log(`rate ${rate}/s failed: ${message}`);
        notes.push(`${rate} orders/s could not be measured: ${message}`);
        skippedRates.push(...options.rates.slice(i));
        break;
      }
      const { result, drained, finalTotal } = outcome;
      rates.push(result);
      log(summaryLine(result));
      if (!drained) backlog = { rate, target: finalTotal + result.errors.notFinal };
      if (!drained && i < options.rates.length - 1) {
        skippedRates.push(...options.rates.slice(i + 1));
        notes.push(
          `Stopped after ${rate} orders/s: its backlog did not drain, so higher rates would only measure the backlog.`,
        );
        log(`stopping: the backlog of ${rate}/s did not drain; higher rates skipped`);
        break;
      }
    }

    if (options.overload && !signal.aborted) {
      const best = maxSustainableRate(rates);
      if (best === null) {
        notes.push('Overload phase not run: no rate was sustainable, so there is no rate to overload and return to.');
        log('overload skipped: no sustainable rate');
      } else {
        const { durationS } = options.overload;
        const overloadRate = options.overload.rate ?? round1(best * options.overload.factor!);
        if (backlog) {
          log(`overload: waiting for the backlog of ${backlog.rate}/s to drain first`);
          const left = await waitForBacklog(phase, backlog.target, Math.max(60_000, 4 * options.durationS * 1000));
          if (left !== 0) {
            notes.push(
              `${left ?? 'An unknown number of'} order(s) of ${backlog.rate}/s were still not final when the overload phase started: if they completed during it, its completed/s counts them.`,
            );
          }
        }
        log(`overload: ${overloadRate} orders/s for ${durationS} s, then ${best} orders/s for ${durationS} s:`);
        try {
          overload = await runOverloadPhase(phase, { sustainableRate: best, overloadRate, durationS });
          log(overloadLine(overload));
        } catch (error) {
          const message = (error as Error).message;
          log(`overload failed: ${message}`);
          notes.push(`The overload phase could not be measured: ${message}`);
        }
      }
    }
  } catch (error) {
    // Keep what was measured (machine, ceilings, finished rates): the report says why it stopped.
    failed = signal.aborted ? undefined : (error as Error).message;
    if (failed) log(`run stopped: ${failed}`);
    skippedRates.push(
      ...options.rates.filter((r) => !rates.some((done) => done.offeredRate === r) && !skippedRates.includes(r)),
    );
  } finally {
    http.close();
    if (store) {
      log('stopping the store');
      await store.stop().catch((error: Error) => log(`store stop failed: ${error.message}`));
    }
    await mailSink?.stop();
    await otlpSink?.close();
    if (own) {
      await dropStore(namespace, servers).catch((error: Error) =>
        log(`dropping ${namespace} failed: ${error.message}`),
      );
      log(`dropped namespace ${namespace}`);
    }
  }

  if (signal.aborted) notes.push('Interrupted: the results cover the rates finished before the interruption.');
  const best = maxSustainableRate(rates);
  const bestResult = rates.find((r) => r.offeredRate === best);
  const brokerUtilisation =
    bestResult?.broker && ceilings.broker
      ? {
          deliveriesRatio: utilisation(bestResult.broker.deliverPerSec, ceilings.broker.messagesPerSec),
          publishesRatio: utilisation(bestResult.broker.publishPerSec, ceilings.broker.messagesPerSec),
        }
      : null;
  const formula = floorNote(units, ceilings);
  if (formula) notes.push(formula);
  if (machine.cores <= 2) {
    notes.push(
      `The load generator, the five services, RabbitMQ and PostgreSQL share ${machine.cores} cores (see "machine busy"); other work on the machine counts there too.`,
    );
  }
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    namespace,
    store: own ? 'own' : 'external',
    settings: {
      rates: options.rates,
      durationS: options.durationS,
      warmupS: options.warmupS,
      warmupRate: warmupRate(options.rates),
      ceilingDurationS: options.ceilingDurationS,
      skus: options.skus,
      serviceEnv: options.serviceEnv,
      tracing: otlpSink ? otlpSink.counts() : null,
      maxSamplesPerRate: options.maxSamples,
      overload: options.overload
        ? {
            factor: options.overload.factor ?? null,
            rate: options.overload.rate ?? null,
            durationS: options.overload.durationS,
          }
        : null,
    },
    machine,
    ceilings,
    unitCosts: units,
    criteria: DEFAULT_CRITERIA,
    rates,
    skippedRates,
    maxSustainableRate: best,
    brokerUtilisation,
    overload,
    notes: failed ? [...notes, `The run stopped early: ${failed}`] : notes,
    ...(failed ? { failed } : {}),
  };
}

function cpuTargets(store: RunningStore | undefined, mailSink: MailSinkProcess | undefined): CpuTarget[] {
  const targets: CpuTarget[] = [];
  if (store) {
    for (const service of SERVICES) {
      targets.push({ name: service, pids: () => [store.services[service]?.pid].filter((p): p is number => !!p) });
    }
  }
  const rabbit = findRabbitPids();
  const postmasters = findPostmasterPids();
  targets.push({ name: 'rabbitmq', pids: () => rabbit });
  targets.push({ name: 'postgres', pids: () => postmasters, withChildren: true });
  if (mailSink) targets.push({ name: 'mail-sink', pids: () => [mailSink.pid] });
  return targets;
}

/** The POST /orders body: one unit of each SKU, a card the simulated gateway approves. */
export function orderRequest(skus: readonly string[]) {
  return sampleOrderRequest({
    customer: { ...SAMPLE_CUSTOMER, id: 'bench-customer' },
    items: skus.map((sku) => ({ sku, quantity: 1 })),
  });
}

/** Each service's base URL, where its /health reports its consumers' counters. */
function serviceUrls(store: RunningStore): Record<string, string> {
  return Object.fromEntries(SERVICES.map((service) => [service, store.service(service).url]));
}

/** Orders prices from its replica of the catalogue: wait until it has applied every product announcement. */
async function catalogueReplicated(http: HttpClient, ordersUrl: string, inventoryUrl: string): Promise<void> {
  const products = (await http.json<unknown[]>('GET', `${inventoryUrl}/products`)).length;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const health = (await http.send('GET', `${ordersUrl}/health`)).body as {
      details?: { consumers?: { handled?: number } };
    };
    if ((health.details?.consumers?.handled ?? 0) >= products) return;
    if (Date.now() > deadline) throw new Error('the catalogue did not reach Orders within 60 s');
    await sleep(200);
  }
}

async function restock(
  http: HttpClient,
  inventoryUrl: string,
  skus: readonly string[],
  units: number,
  log: (line: string) => void,
): Promise<void> {
  const token = process.env.INVENTORY_ADMIN_TOKEN;
  for (const sku of skus) {
    let stock = 0;
    for (let left = units; left > 0; left -= MAX_RESTOCK) {
      const body = await http.json<{ stockAvailable: number }>(
        'POST',
        `${inventoryUrl}/products/${encodeURIComponent(sku)}/restock`,
        { quantity: Math.min(left, MAX_RESTOCK) },
        token ? { 'x-admin-token': token } : undefined,
      );
      stock = body.stockAvailable;
    }
    log(`stock: ${sku} now ${stock}`);
  }
}

/** Orders the overload phase may send (its sustainable rate is not known yet: the highest rate bounds it). */
function overloadOrders(options: BenchOptions): number {
  if (!options.overload) return 0;
  const highest = Math.max(...options.rates);
  const overloadRate = options.overload.rate ?? highest * options.overload.factor!;
  return plannedCount(overloadRate, options.overload.durationS) + plannedCount(highest, options.overload.durationS);
}

/** E-mails the bench's mail sink accepted so far, from its count endpoint. */
function mailCount(http: HttpClient, countUrl: string): () => Promise<number | undefined> {
  return () =>
    http
      .json<{ messages: number }>('GET', countUrl)
      .then((body) => body.messages)
      .catch(() => undefined);
}

function summaryLine(r: RateResult): string {
  const p = (v: number | null) => (v === null ? 'n/a' : `${Math.round(v)}`);
  const cpu = [...r.cpu]
    .sort((a, b) => b.windowPercent - a.windowPercent)
    .slice(0, 4)
    .map((c) => `${c.name} ${Math.round(c.windowPercent)}%`)
    .join(', ');
  return (
    `  → ${r.offeredRate}/s: accepted ${r.acceptedPerSec}/s, completed ${r.completedPerSec}/s, ` +
    `POST p99 ${p(r.post.p99)} ms, final p50/p99 ${p(r.final.p50)}/${p(r.final.p99)} ms, ` +
    `broker ${r.broker ? `${Math.round(r.broker.publishPerSec)} pub/s ${Math.round(r.broker.deliverPerSec)} deliver/s` : 'n/a'}, ` +
    `CPU ${cpu}; machine ${Math.round(r.machineBusyPercent)}% busy; ${perOrderText(r.cpuPerOrder)}; errors ${r.errors.total}; ` +
    (r.sustainable ? 'sustainable' : `not sustainable (${r.reasons.join('; ')})`)
  );
}

function perOrderText(c: RateResult['cpuPerOrder']): string {
  const ms = (v: number | null) => (v === null ? 'n/a' : `${v}`);
  return (
    `CPU per order: store ${ms(c.storeMs)} ms (floor ${ms(c.floorMs)}), harness ${ms(c.harnessMs)} ms, ` +
    `all ${ms(c.allMs)} ms`
  );
}

function overloadLine(o: OverloadResult): string {
  const perSec = (v: number | null) => (v === null ? 'n/a' : `${v}/s`);
  return (
    `  → overload ${o.overloadRate}/s then ${o.sustainableRate}/s: completed ${perSec(o.during.completedPerSec)} during, ` +
    `${perSec(o.after.completedPerSec)} after; 503 refused ${o.during.refused + o.after.refused}; ` +
    `final ${o.finalAtEnd} of ${o.accepted} accepted; ${perOrderText(o.cpuPerOrder)}; errors ${o.errors.total}; ` +
    (o.holds ? 'holds' : `does not hold (${o.reasons.join('; ')})`)
  );
}

const round1 = (v: number) => Math.round(v * 10) / 10;
