import { parseArgs } from 'node:util';

export interface BenchOptions {
  rates: number[];
  durationS: number;
  /** Seconds of orders at a low rate before the first measured rate (JIT, caches, pools); 0 skips it. */
  warmupS: number;
  /** Seconds for each ceiling measurement; 0 skips them. */
  ceilingDurationS: number;
  /** bench-results/<timestamp> unless given. */
  out: string | undefined;
  /** A running store to load instead of starting one (both URLs or neither). */
  target: { ordersUrl: string; inventoryUrl: string } | undefined;
  /** Extra environment of every service of the store the bench starts (e.g. MESSAGING_PREFETCH=50). */
  serviceEnv: Record<string, string>;
  /** Each order has one unit of each. */
  skus: string[];
  /** Orders per rate followed to their final state for the latency percentiles. */
  maxSamples: number;
  /**
   * After the rates: `factor` × the max sustainable rate (or `rate` orders/s) for `durationS`, then the
   * sustainable rate for as long again. Undefined: no overload phase.
   */
  overload: OverloadOptions | undefined;
  /**
   * Share of accepted orders (0..1) the bench asks to cancel (POST /orders/:id/cancel) as soon as they
   * are accepted, to load the compensation paths too. 0 (the default) sends no cancellation at all.
   */
  cancelShare: number;
  /**
   * Tracing on: the services export their spans (OTEL_EXPORTER_OTLP_ENDPOINT) to a counting OTLP
   * receiver the bench runs, to measure what tracing costs per order.
   */
  tracing: boolean;
}

/** Exactly one of `factor` and `rate` is set. */
export interface OverloadOptions {
  factor: number | undefined;
  rate: number | undefined;
  durationS: number;
}

export type Parsed = { help: true } | { help: false; options: BenchOptions };

export const DEFAULT_RATES = [25, 50, 100, 200, 400];
export const QUICK_RATES = [10, 25];
export const DEFAULT_SKUS = ['CAMISETA-BASICA-M', 'MEIA-ALGODAO-KIT3'];

export const USAGE = `Usage: npm run bench -- [options]

Measures this machine's RabbitMQ and PostgreSQL ceilings, starts the store in a namespace of its own
(SHIPPING_DELAY_MS=0), sends orders open-loop at each rate (then, with --overload, more than the store
sustains and back), and writes results.json, results.md and latency-vs-rate.svg to
bench-results/<timestamp>/. The namespace is dropped at the end.

Options:
  --rates <list>             orders/s, comma-separated (default ${DEFAULT_RATES.join(',')})
  --duration <s>             seconds per rate (default 20)
  --quick                    smoke test: rates ${QUICK_RATES.join(',')} for 5 s each, 5 s warm-up, 3 s ceilings
  --out <dir>                where to write the results (default bench-results/<timestamp>)
  --warmup <s>               seconds of orders before the first rate, at the highest rate (at most 50/s), not reported (default 20)
  --ceiling-duration <s>     seconds per ceiling measurement (default 10; 0 skips them)
  --samples <n>              orders per rate followed to their final state (default 200)
  --skus <list>              SKUs of every order, one unit each (default ${DEFAULT_SKUS.join(',')})
  --env KEY=VALUE            extra environment for every service (repeatable), e.g. MESSAGING_PREFETCH=50
  --overload <factor>        after the rates, offer factor × the max sustainable rate, then that rate again
  --overload-rate <n>        the same with n orders/s offered during the overload
  --overload-duration <s>    seconds of overload, and as many back at the sustainable rate (default 30)
  --cancel-share <0..1>      cancel this share of the accepted orders right after placing them (default 0)
  --tracing                  tracing on: the services export spans to a local OTLP receiver that counts them
  --orders-url <url>         load a running store instead (with --inventory-url; no CPU per service)
  --inventory-url <url>
  -h, --help                 this text

Environment: POSTGRES_URL, RABBITMQ_URL, RABBITMQ_MANAGEMENT_URL (as for npm run store),
PRISMA_SCHEMA_ENGINE_BINARY (migrations), LOG_LEVEL (passed to the services),
INVENTORY_ADMIN_TOKEN (restock on an external store).
`;

/** Parses the command line; throws an Error with a one-line reason on wrong usage. */
export function parseBenchArgs(argv: readonly string[]): Parsed {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      rates: { type: 'string' },
      duration: { type: 'string' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      'ceiling-duration': { type: 'string' },
      warmup: { type: 'string' },
      samples: { type: 'string' },
      skus: { type: 'string' },
      env: { type: 'string', multiple: true },
      'orders-url': { type: 'string' },
      'inventory-url': { type: 'string' },
      overload: { type: 'string' },
      'overload-rate': { type: 'string' },
      'overload-duration': { type: 'string' },
      'cancel-share': { type: 'string' },
      tracing: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };

  const rates =
    values.rates !== undefined ? list(values.rates, '--rates').map((r) => positive(r, '--rates')) : undefined;
  const ordersUrl = values['orders-url'];
  const inventoryUrl = values['inventory-url'];
  if ((ordersUrl === undefined) !== (inventoryUrl === undefined)) {
    throw new Error('--orders-url and --inventory-url go together');
  }
  const serviceEnv: Record<string, string> = {};
  for (const pair of values.env ?? []) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/s.exec(pair);
    if (!match) throw new Error(`--env ${pair}: expected KEY=VALUE with an upper-case KEY`);
    serviceEnv[match[1]!] = match[2]!;
  }
  if (ordersUrl !== undefined && Object.keys(serviceEnv).length) {
    throw new Error('--env applies to the store the bench starts, not to one given by URL');
  }
  if (ordersUrl !== undefined && values.tracing) {
    throw new Error('--tracing applies to the store the bench starts, not to one given by URL');
  }

  const factor = values.overload !== undefined ? positive(values.overload, '--overload') : undefined;
  if (factor !== undefined && factor <= 1) throw new Error(`--overload: "${values.overload}" is not a factor above 1`);
  const overloadRate =
    values['overload-rate'] !== undefined ? positive(values['overload-rate'], '--overload-rate') : undefined;
  if (factor !== undefined && overloadRate !== undefined) {
    throw new Error('--overload and --overload-rate: give one of them');
  }
  const overloadDuration =
    values['overload-duration'] !== undefined
      ? positive(values['overload-duration'], '--overload-duration')
      : undefined;
  if (overloadDuration !== undefined && factor === undefined && overloadRate === undefined) {
    throw new Error('--overload-duration goes with --overload or --overload-rate');
  }
  const overload =
    factor !== undefined || overloadRate !== undefined
      ? { factor, rate: overloadRate, durationS: overloadDuration ?? 30 }
      : undefined;

  return {
    help: false,
    options: {
      rates: rates ?? (values.quick ? QUICK_RATES : DEFAULT_RATES),
      durationS: values.duration !== undefined ? positive(values.duration, '--duration') : values.quick ? 5 : 20,
      ceilingDurationS:
        values['ceiling-duration'] !== undefined
          ? nonNegative(values['ceiling-duration'], '--ceiling-duration')
          : values.quick
            ? 3
            : 10,
      warmupS: values.warmup !== undefined ? nonNegative(values.warmup, '--warmup') : values.quick ? 5 : 20,
      out: values.out,
      target: ordersUrl !== undefined ? { ordersUrl: url(ordersUrl), inventoryUrl: url(inventoryUrl!) } : undefined,
      serviceEnv,
      skus: values.skus !== undefined ? list(values.skus, '--skus') : DEFAULT_SKUS,
      maxSamples: values.samples !== undefined ? Math.floor(positive(values.samples, '--samples')) : 200,
      overload,
      cancelShare: values['cancel-share'] !== undefined ? share(values['cancel-share'], '--cancel-share') : 0,
      tracing: values.tracing === true,
    },
  };
}

function list(raw: string, flag: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!items.length) throw new Error(`${flag}: empty list`);
  return items;
}

function positive(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag}: "${raw}" is not a positive number`);
  return value;
}

function share(raw: string, flag: string): number {
  const value = nonNegative(raw, flag);
  if (value > 1) throw new Error(`${flag}: "${raw}" is not a share between 0 and 1`);
  return value;
}

function nonNegative(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag}: "${raw}" is not a number ≥ 0`);
  return value;
}

function url(raw: string): string {
  try {
    return new URL(raw).toString().replace(/\/$/, '');
  } catch {
    throw new Error(`"${raw}" is not a URL`);
  }
}
