import type { BrokerCeiling, CpuPerOrder, PostgresCeiling, ProcessCpu, UnitCosts } from './results';

/** Processes of the harness, not of the store: the bench process (load generator, poller) and its mail sink. */
export const HARNESS = ['bench', 'mail-sink'];
/** The store's own processes: its five services, RabbitMQ and PostgreSQL. */
export const SERVICES = ['orders', 'inventory', 'payments', 'logistics', 'notifications'];

/**
 * Machine time per unit of work, from the run's own ceilings: cores ÷ ceiling rate. A ceiling keeps
 * every core busy (the broker or the database, and the clients driving it), so this is what one broker
 * delivery or one PostgreSQL transaction costs the machine at best.
 */
export function unitCosts(
  cores: number,
  ceilings: { broker: BrokerCeiling | null; postgres: PostgresCeiling | null },
): UnitCosts {
  const per = (rate: number | undefined) => (rate && rate > 0 ? round3((cores * 1000) / rate) : null);
  return {
    cores,
    msPerDelivery: per(ceilings.broker?.messagesPerSec),
    msPerTransaction: per(ceilings.postgres?.txPerSec),
  };
}

/**
 * Where a completed order's CPU went: the store's processes, the floor its broker deliveries and
 * PostgreSQL transactions cost at the ceilings' unit costs, the share above that floor, and the
 * harness's own CPU apart. `null` wherever an input is missing (a store given by URL has no service CPU).
 */
export function cpuPerOrder(
  cpu: readonly ProcessCpu[],
  orders: number,
  work: { deliveries: number | null; transactions: number | null },
  units: UnitCosts,
): CpuPerOrder {
  const ms = (names: (name: string) => boolean) =>
    cpu.filter((c) => names(c.name)).reduce((sum, c) => sum + c.cpuMs, 0) / orders;
  const everyService = SERVICES.every((name) => cpu.some((c) => c.name === name));
  const storeMs = orders > 0 && everyService ? ms((name) => !HARNESS.includes(name)) : null;
  const harnessMs =
    orders > 0 && cpu.some((c) => HARNESS.includes(c.name)) ? ms((name) => HARNESS.includes(name)) : null;
  const floorMs =
    work.deliveries !== null &&
    work.transactions !== null &&
    units.msPerDelivery !== null &&
    units.msPerTransaction !== null
      ? work.deliveries * units.msPerDelivery + work.transactions * units.msPerTransaction
      : null;
  return {
    storeMs: storeMs === null ? null : round1(storeMs),
    harnessMs: harnessMs === null ? null : round1(harnessMs),
    allMs: storeMs === null ? null : round1(storeMs + (harnessMs ?? 0)),
    deliveries: work.deliveries === null ? null : round1(work.deliveries),
    transactions: work.transactions === null ? null : round1(work.transactions),
    floorMs: floorMs === null ? null : round1(floorMs),
    aboveFloor: storeMs !== null && floorMs !== null && storeMs > 0 ? round3((storeMs - floorMs) / storeMs) : null,
  };
}

/** The floor's formula with this run's numbers, for the report's notes; null without both ceilings. */
export function floorNote(
  units: UnitCosts,
  ceilings: { broker: BrokerCeiling | null; postgres: PostgresCeiling | null },
): string | null {
  const { broker, postgres } = ceilings;
  if (units.msPerDelivery === null || units.msPerTransaction === null || !broker || !postgres) return null;
  return (
    `Floor per completed order = broker deliveries per order × ${units.msPerDelivery} ms + PostgreSQL transactions per order × ${units.msPerTransaction} ms, ` +
    `the machine time per unit being cores ÷ ceiling rate: ${units.cores} cores ÷ ${broker.messagesPerSec} msg/s (RabbitMQ) per delivery, ` +
    `${units.cores} cores ÷ ${postgres.txPerSec} tx/s (PostgreSQL) per transaction. ` +
    `Deliveries per order come from the vhost's deliver counts; transactions per order are summed over the five databases (Orders' include the bench's own reads). ` +
    `Store CPU = services + RabbitMQ + PostgreSQL, without the harness (bench process, mail sink); above the floor = (store CPU − floor) ÷ store CPU.`
  );
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round3 = (v: number) => Math.round(v * 1000) / 1000;
