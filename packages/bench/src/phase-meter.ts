import type { BrokerCounters, BrokerTotals } from './broker-counters';
import { consumersPerOrder, type ConsumerActivity, type ConsumerTotals } from './consumer-activity';
import type { CpuSampler, CpuSnapshot } from './cpu-sampler';
import { cpuPerOrder } from './floor';
import { perOrder, type DatabaseTotals, type PostgresActivity } from './postgres-activity';
import type { BrokerRates, CpuPerOrder, ProcessCpu, RateResult, UnitCosts } from './results';
import { sleep } from './sleep';

/**
 * The management API refreshes its counters every 5 s, and PostgreSQL backends flush theirs when idle:
 * wait this long after the drain before reading them.
 */
const SETTLE_MS = 6_000;

/** Where a phase's counters come from; each may be missing (a store given by URL, no mail sink). */
export interface MeterSources {
  cpu: CpuSampler;
  broker: BrokerCounters | undefined;
  postgres: PostgresActivity | undefined;
  consumers: ConsumerActivity | undefined;
  /** E-mails the bench's mail sink accepted so far. */
  mail: (() => Promise<number | undefined>) | undefined;
  unitCosts: UnitCosts;
}

export interface PhaseCosts {
  broker: BrokerRates | null;
  postgresPerOrder: RateResult['postgresPerOrder'];
  consumersPerOrder: RateResult['consumersPerOrder'];
  emailsPerOrder: number | null;
  cpu: ProcessCpu[];
  cpuPerOrder: CpuPerOrder;
  machineBusyPercent: number;
  otherPercent: number;
  postgresByDatabase: Record<string, number>;
}

/**
 * What a phase cost: counters read before it, CPU at the end of its send window and of its drain,
 * counters again once they settled. Every figure per completed order is over the window and the drain.
 */
export class PhaseMeter {
  private windowEnd: CpuSnapshot | undefined;
  private drainEnd: CpuSnapshot | undefined;

  private constructor(
    private readonly sources: MeterSources,
    private readonly before: {
      broker: BrokerTotals | undefined;
      postgres: Map<string, DatabaseTotals> | undefined;
      consumers: Map<string, ConsumerTotals> | undefined;
      mail: number | undefined;
    },
    private readonly start: CpuSnapshot,
  ) {}

  static async begin(sources: MeterSources): Promise<PhaseMeter> {
    const broker = await sources.broker?.read();
    const postgres = await sources.postgres?.read();
    const consumers = await sources.consumers?.read();
    const mail = await sources.mail?.();
    return new PhaseMeter(sources, { broker, postgres, consumers, mail }, sources.cpu.snapshot());
  }

  /** The send window ended: CPU percentages are over start → here. */
  endWindow(): void {
    this.windowEnd = this.sources.cpu.snapshot();
  }

  /** The drain ended: CPU per order is over start → here. */
  endDrain(): void {
    this.drainEnd = this.sources.cpu.snapshot();
  }

  /** Waits for the counters to settle, reads them again, and divides by the orders final at the end. */
  async finish(orders: number, durationS: number, signal: AbortSignal): Promise<PhaseCosts> {
    const { sources, before } = this;
    const windowEnd = this.windowEnd ?? sources.cpu.snapshot();
    const drainEnd = this.drainEnd ?? windowEnd;
    let broker: BrokerRates | null = null;
    let postgresPerOrder: RateResult['postgresPerOrder'] = {};
    let transactions: number | null = null;
    let deliveries: number | null = null;
    if ((sources.broker && before.broker) || (sources.postgres && before.postgres)) {
      await sleep(SETTLE_MS, signal);
      const after = await sources.broker?.read();
      if (sources.broker && before.broker && after) {
        const delivered = after.deliver - before.broker.deliver;
        deliveries = orders ? delivered / orders : null;
        broker = {
          publishPerSec: round1((after.publish - before.broker.publish) / durationS),
          deliverPerSec: round1(delivered / durationS),
          deliveriesPerOrder: orders ? round1(delivered / orders) : null,
          source: sources.broker.source,
        };
      }
      const postgresAfter = await sources.postgres?.read();
      if (before.postgres && postgresAfter) {
        postgresPerOrder = perOrder(before.postgres, postgresAfter, orders);
        transactions = orders ? totalTransactions(before.postgres, postgresAfter) / orders : null;
      }
    }
    const consumersAfter = await sources.consumers?.read();
    const mailAfter = await sources.mail?.();
    const window = sources.cpu.delta(this.start, windowEnd);
    const cpu = processCpu(sources.cpu, this.start, windowEnd, drainEnd, orders);
    return {
      broker,
      postgresPerOrder,
      consumersPerOrder:
        before.consumers && consumersAfter ? consumersPerOrder(before.consumers, consumersAfter, orders) : {},
      emailsPerOrder:
        before.mail !== undefined && mailAfter !== undefined && orders
          ? round1((mailAfter - before.mail) / orders)
          : null,
      cpu,
      cpuPerOrder: cpuPerOrder(cpu, orders, { deliveries, transactions }, sources.unitCosts),
      machineBusyPercent: window.machineBusyPercent,
      otherPercent: window.otherPercent,
      postgresByDatabase: window.postgresByDatabase,
    };
  }
}

/** Transactions over every database of the store, after − before. */
function totalTransactions(before: Map<string, DatabaseTotals>, after: Map<string, DatabaseTotals>): number {
  let total = 0;
  for (const [name, end] of after) total += end.transactions - (before.get(name)?.transactions ?? 0);
  return total;
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
      const cpuMs = (ticks / cpu.ticksPerSecond) * 1000;
      return {
        name: t.name,
        pids: t.pids,
        windowPercent: t.percent,
        cpuMs: Math.round(cpuMs),
        msPerOrder: orders ? round1(cpuMs / orders) : null,
      };
    });
}

const round1 = (v: number) => Math.round(v * 10) / 10;
