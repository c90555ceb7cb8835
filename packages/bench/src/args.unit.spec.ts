import { isCancelled } from './open-loop-sender';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RATES, DEFAULT_SKUS, parseBenchArgs, type BenchOptions } from './args';

const options = (argv: string[]): BenchOptions => {
  const parsed = parseBenchArgs(argv);
  if (parsed.help) throw new Error('unexpected help');
  return parsed.options;
};

describe('parseBenchArgs', () => {
  it('defaults: five rates, 20 s each, 10 s ceilings, own store', () => {
    expect(options([])).toEqual({
      rates: DEFAULT_RATES,
      durationS: 20,
      warmupS: 20,
      ceilingDurationS: 10,
      out: undefined,
      target: undefined,
      serviceEnv: {},
      skus: DEFAULT_SKUS,
      maxSamples: 200,
      overload: undefined,
      cancelShare: 0,
      tracing: false,
    });
  });

  it('--quick: rates 10,25 for 5 s, short ceilings; explicit flags still win', () => {
    expect(options(['--quick'])).toMatchObject({ rates: [10, 25], durationS: 5, warmupS: 5, ceilingDurationS: 3 });
    expect(options(['--quick', '--duration', '2', '--rates', '5'])).toMatchObject({ rates: [5], durationS: 2 });
  });

  it('reads rates, duration, out, samples, skus and ceiling duration', () => {
    expect(
      options([
        '--rates',
        '25, 50,100',
        '--duration=10',
        '--out',
        '/tmp/x',
        '--samples',
        '50',
        '--skus',
        'A,B,C',
        '--ceiling-duration',
        '0',
        '--warmup',
        '0',
      ]),
    ).toMatchObject({
      rates: [25, 50, 100],
      durationS: 10,
      out: '/tmp/x',
      maxSamples: 50,
      skus: ['A', 'B', 'C'],
      ceilingDurationS: 0,
      warmupS: 0,
    });
  });

  it('collects --env pairs for the services', () => {
    expect(options(['--env', 'MESSAGING_PREFETCH=50', '--env', 'LOG_LEVEL=warn']).serviceEnv).toEqual({
      MESSAGING_PREFETCH: '50',
      LOG_LEVEL: 'warn',
    });
    expect(() => options(['--env', 'nope'])).toThrow('KEY=VALUE');
  });

  it('targets a running store with both URLs', () => {
    expect(
      options(['--orders-url', 'http://localhost:3000/', '--inventory-url', 'http://localhost:3001']).target,
    ).toEqual({
      ordersUrl: 'http://localhost:3000',
      inventoryUrl: 'http://localhost:3001',
    });
    expect(() => options(['--orders-url', 'http://localhost:3000'])).toThrow('go together');
    expect(() => options(['--orders-url', 'http://a', '--inventory-url', 'http://b', '--env', 'A=1'])).toThrow(
      '--env applies',
    );
  });

  it('asks for an overload phase by factor or by rate, 30 s unless told', () => {
    expect(options(['--overload', '2']).overload).toEqual({ factor: 2, rate: undefined, durationS: 30 });
    expect(options(['--overload-rate', '350', '--overload-duration', '20']).overload).toEqual({
      factor: undefined,
      rate: 350,
      durationS: 20,
    });
    expect(() => options(['--overload', '1'])).toThrow('not a factor above 1');
    expect(() => options(['--overload', '2', '--overload-rate', '300'])).toThrow('give one of them');
    expect(() => options(['--overload-duration', '20'])).toThrow('goes with --overload');
    expect(() => options(['--overload-rate', '0'])).toThrow('--overload-rate');
  });

  it('cancels a share of the orders only when asked', () => {
    expect(options(['--cancel-share', '0.1']).cancelShare).toBe(0.1);
    expect(() => options(['--cancel-share', '1.5'])).toThrow(/between 0 and 1/);
    const cancelled = Array.from({ length: 100 }, (_, i) => i).filter((i) => isCancelled(i, 0.1));
    expect(cancelled).toHaveLength(10);
    expect(Array.from({ length: 100 }, (_, i) => i).filter((i) => isCancelled(i, 0))).toEqual([]);
  });

  it('refuses nonsense', () => {
    expect(() => options(['--rates', '10,abc'])).toThrow('--rates: "abc" is not a positive number');
    expect(() => options(['--rates', ','])).toThrow('empty list');
    expect(() => options(['--duration', '0'])).toThrow('--duration');
    expect(() => options(['--orders-url', 'x', '--inventory-url', 'y'])).toThrow('not a URL');
    expect(() => options(['--bogus'])).toThrow();
    expect(() => options(['positional'])).toThrow();
  });

  it('asks for help', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
    expect(parseBenchArgs(['-h'])).toEqual({ help: true });
  });
});
