/** One line of /proc/<pid>/stat, the fields the CPU accounting needs (times in clock ticks). */
export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** User + system time of the process itself. */
  ticks: number;
  /** User + system time of its children that exited and were waited for. */
  childTicks: number;
}

/**
 * Parses /proc/<pid>/stat. The command name sits in parentheses and may itself contain spaces and
 * parentheses, so the other fields are counted from the last ')'.
 */
export function parseProcStat(line: string): ProcStat | undefined {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(line.slice(0, open).trim());
  const comm = line.slice(open + 1, close);
  // After ')': state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17), numbered from 1.
  const rest = line
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const field = (n: number) => Number(rest[n - 3]);
  const values = [field(4), field(14), field(15), field(16), field(17)];
  if (!Number.isInteger(pid) || values.some((v) => !Number.isFinite(v))) return undefined;
  const [ppid, utime, stime, cutime, cstime] = values as [number, number, number, number, number];
  return { pid, comm, ppid, ticks: utime + stime, childTicks: cutime + cstime };
}

/** The machine's total and busy clock ticks from the first line of /proc/stat. */
export function parseCpuTotals(procStat: string): { total: number; busy: number } {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('no cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user.
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { total, busy: total - idle - iowait };
}

/**
 * The database of a PostgreSQL backend from its process title
 * (`postgres: 15/main: <user> <database> 127.0.0.1(5432) idle`); undefined for background processes
 * (checkpointer, walwriter, autovacuum, ...).
 */
export function backendDatabase(cmdline: string): string | undefined {
  const title = cmdline.replace(/\0/g, ' ').trim();
  const match = /^postgres: (?:[^:]+: )?(\S+) (\S+) (\S+)/.exec(title);
  if (!match) return undefined;
  const host = match[3]!;
  // A client backend's third word is its peer: an address with a port, or [local].
  return /\(\d+\)$/.test(host) || host === '[local]' ? match[2] : undefined;
}

/** Percent of one core: `ticks` of CPU over `elapsedMs` of wall time. */
export function percentOfCore(ticks: number, elapsedMs: number, ticksPerSecond: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.round(((ticks / ticksPerSecond) * 1000 * 100 * 10) / elapsedMs) / 10;
}
