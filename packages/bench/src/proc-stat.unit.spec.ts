import { describe, expect, it } from 'vitest';
import { backendDatabase, parseCpuTotals, parseProcStat, percentOfCore } from './proc-stat';

const fields = (utime: number, stime: number, cutime: number, cstime: number) =>
  `S 1 2934 2934 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 30 0 1000 0 0`;

describe('parseProcStat', () => {
  it('reads ppid, own and children ticks', () => {
    expect(parseProcStat(`2934 (beam.smp) ${fields(1500, 300, 7, 3)}`)).toEqual({
      pid: 2934,
      comm: 'beam.smp',
      ppid: 1,
      ticks: 1800,
      childTicks: 10,
    });
  });

  it('copes with spaces and parentheses in the command name', () => {
    expect(parseProcStat(`42 (we (ird) name) ${fields(1, 2, 0, 0)}`)).toMatchObject({
      pid: 42,
      comm: 'we (ird) name',
      ticks: 3,
    });
  });

  it('is undefined for garbage', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('12 (x) S')).toBeUndefined();
  });
});

describe('parseCpuTotals', () => {
  it('counts everything but idle and iowait as busy', () => {
    const stat = 'cpu  100 5 50 800 20 3 2 10 0 0\ncpu0 50 2 25 400 10 1 1 5 0 0\nintr 1';
    expect(parseCpuTotals(stat)).toEqual({ total: 990, busy: 170 });
  });
});

describe('backendDatabase', () => {
  it('reads the database of a client backend', () => {
    expect(backendDatabase('postgres: 15/main: bench1_orders bench1_orders 127.0.0.1(40124) idle')).toBe(
      'bench1_orders',
    );
    expect(backendDatabase('postgres: 15/main: app shop [local] SELECT\0\0')).toBe('shop');
    expect(backendDatabase('postgres: app shop 127.0.0.1(5) idle in transaction')).toBe('shop');
  });

  it('is undefined for background processes', () => {
    expect(backendDatabase('postgres: 15/main: checkpointer ')).toBeUndefined();
    expect(backendDatabase('postgres: 15/main: autovacuum launcher ')).toBeUndefined();
    expect(backendDatabase('postgres: 15/main: logical replication launcher ')).toBeUndefined();
  });
});

describe('percentOfCore', () => {
  it('converts ticks over wall time to percent of one core', () => {
    expect(percentOfCore(100, 1000, 100)).toBe(100);
    expect(percentOfCore(150, 10_000, 100)).toBe(15);
    expect(percentOfCore(1, 3000, 100)).toBe(0.3);
    expect(percentOfCore(5, 0, 100)).toBe(0);
  });
});
