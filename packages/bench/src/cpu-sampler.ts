import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { backendDatabase, parseCpuTotals, parseProcStat, percentOfCore, type ProcStat } from './proc-stat';

/** A process group to account for: a service (one pid), the broker, or PostgreSQL (postmaster and backends). */
export interface CpuTarget {
  name: string;
  /** Resolved at every snapshot: a restarted service has a new pid. */
  pids: () => number[];
  /** Count the processes' children too (PostgreSQL forks one backend per connection). */
  withChildren?: boolean;
}

export interface CpuSnapshot {
  atMs: number;
  /** Ticks per target. */
  targets: Map<string, { ticks: number; pids: number[] }>;
  /** Ticks per PostgreSQL database, over the backends alive now. */
  backends: Map<number, { database: string; ticks: number }>;
  machine: { total: number; busy: number };
  /** This process (load generator, poller), in ticks. */
  self: number;
}

/** Percent of all cores busy over `ms`, whoever is busy: is the machine quiet enough to measure? */
export async function machineBusyPercent(ms: number): Promise<number> {
  const a = parseCpuTotals(readFileSync('/proc/stat', 'utf8'));
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = parseCpuTotals(readFileSync('/proc/stat', 'utf8'));
  const total = b.total - a.total;
  return total > 0 ? Math.round(((b.busy - a.busy) / total) * 1000) / 10 : 0;
}

export interface CpuDelta {
  elapsedMs: number;
  byTarget: Array<{ name: string; pids: number[]; ticks: number; percent: number }>;
  postgresByDatabase: Record<string, number>;
  machineBusyPercent: number;
  /** Busy CPU of the machine not accounted to any target nor to this process, percent of one core. */
  otherPercent: number;
}

let ticksPerSecond: number | undefined;

/** USER_HZ: 100 on practically every Linux, asked once. */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function readProcStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // exited
  }
}

export function allProcesses(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) stats.push(stat);
  }
  return stats;
}

/** RabbitMQ's Erlang VM. */
export function findRabbitPids(): number[] {
  return allProcesses()
    .filter((p) => p.comm === 'beam.smp' && readCmdline(p.pid).includes('rabbit'))
    .map((p) => p.pid);
}

/** PostgreSQL postmasters: `postgres` processes whose parent is not one. */
export function findPostmasterPids(): number[] {
  const processes = allProcesses();
  const postgres = new Set(processes.filter((p) => p.comm === 'postgres').map((p) => p.pid));
  return processes.filter((p) => postgres.has(p.pid) && !postgres.has(p.ppid)).map((p) => p.pid);
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/**
 * CPU time per process group from /proc, between two snapshots. For a group with children (PostgreSQL),
 * its total is the parents' own and reaped-children time plus the live children's time, so a backend
 * that exits between two snapshots is still counted (its time moves into the parent's cutime).
 */
export class CpuSampler {
  private readonly hz = clockTicksPerSecond();

  constructor(
    private readonly targets: CpuTarget[],
    /** Names a PostgreSQL database in the report (e.g. the store's `<namespace>_orders` → `orders`). */
    private readonly labelDatabase: (database: string) => string = (database) => database,
  ) {}

  snapshot(): CpuSnapshot {
    const all = this.targets.some((t) => t.withChildren) ? allProcesses() : [];
    const snap: CpuSnapshot = {
      atMs: performance.now(),
      targets: new Map(),
      backends: new Map(),
      machine: parseCpuTotals(readFileSync('/proc/stat', 'utf8')),
      self: Math.round(((process.cpuUsage().user + process.cpuUsage().system) / 1e6) * this.hz),
    };
    for (const target of this.targets) {
      const pids = target.pids();
      let ticks = 0;
      for (const pid of pids) {
        const stat = readProcStat(pid);
        if (!stat) continue;
        ticks += stat.ticks;
        if (target.withChildren) {
          ticks += stat.childTicks;
          for (const child of all.filter((p) => p.ppid === pid)) {
            ticks += child.ticks;
            const database = backendDatabase(readCmdline(child.pid));
            snap.backends.set(child.pid, {
              database: database ? this.labelDatabase(database) : '(background)',
              ticks: child.ticks,
            });
          }
        }
      }
      snap.targets.set(target.name, { ticks, pids });
    }
    return snap;
  }

  /** What each group used between `a` and `b`; the bench process itself is reported as `bench`. */
  delta(a: CpuSnapshot, b: CpuSnapshot): CpuDelta {
    const elapsedMs = b.atMs - a.atMs;
    const byTarget = this.targets.map((target) => {
      const before = a.targets.get(target.name)?.ticks ?? 0;
      const after = b.targets.get(target.name);
      const ticks = Math.max(0, (after?.ticks ?? 0) - before);
      return { name: target.name, pids: after?.pids ?? [], ticks, percent: percentOfCore(ticks, elapsedMs, this.hz) };
    });
    const selfTicks = Math.max(0, b.self - a.self);
    byTarget.push({
      name: 'bench',
      pids: [process.pid],
      ticks: selfTicks,
      percent: percentOfCore(selfTicks, elapsedMs, this.hz),
    });

    const perDb = new Map<string, number>();
    for (const [pid, backend] of b.backends) {
      const used = backend.ticks - (a.backends.get(pid)?.ticks ?? 0);
      perDb.set(backend.database, (perDb.get(backend.database) ?? 0) + Math.max(0, used));
    }
    const postgresByDatabase = Object.fromEntries(
      [...perDb].filter(([, t]) => t > 0).map(([db, t]) => [db, percentOfCore(t, elapsedMs, this.hz)]),
    );
    const total = b.machine.total - a.machine.total;
    const busy = b.machine.busy - a.machine.busy;
    const machineBusyPercent = total > 0 ? Math.round((busy / total) * 1000) / 10 : 0;
    const accounted = byTarget.reduce((sum, t) => sum + t.ticks, 0);
    const otherPercent = percentOfCore(Math.max(0, busy - accounted), elapsedMs, this.hz);
    return { elapsedMs, byTarget, postgresByDatabase, machineBusyPercent, otherPercent };
  }

  get ticksPerSecond(): number {
    return this.hz;
  }
}
