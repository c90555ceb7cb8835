import { describe, expect, it } from 'vitest';
import { describeErrors, renderMarkdown, renderOverload, renderRateTable, renderTimeTable } from './markdown';
import type { BenchReport, OverloadResult, RateResult } from './results';

const latency = (p50: number, p95: number, p99: number, count = 200) => ({ count, p50, p95, p99, max: p99, mean: p50 });

function rate(offeredRate: number, overrides: Partial<RateResult> = {}): RateResult {
  return {
    offeredRate,
    durationS: 20,
    planned: offeredRate * 20,
    sent: offeredRate * 20,
    accepted: offeredRate * 20,
    acceptedPerSec: offeredRate,
    completedInWindow: offeredRate * 20,
    completedPerSec: offeredRate,
    finalAtEnd: offeredRate * 20,
    cancelled: 0,
    drainMs: 400,
    post: latency(8.4, 15, 31),
    final: latency(95, 150, 210),
    finalRecorded: latency(71, 122, 180),
    broker: {
      publishPerSec: offeredRate * 6,
      deliverPerSec: offeredRate * 14,
      deliveriesPerOrder: 14,
      source: 'management API',
    },
    cpu: [
      { name: 'orders', pids: [10], windowPercent: 12.4, cpuMs: offeredRate * 98, msPerOrder: 4.9 },
      { name: 'rabbitmq', pids: [2], windowPercent: 20, cpuMs: offeredRate * 160, msPerOrder: 8 },
      { name: 'bench', pids: [1], windowPercent: 2, cpuMs: offeredRate * 10, msPerOrder: 0.5 },
    ],
    cpuPerOrder: {
      storeMs: 62.5,
      harnessMs: 0.8,
      allMs: 63.3,
      deliveries: 14,
      transactions: 19.6,
      floorMs: 13.7,
      aboveFloor: 0.781,
    },
    emailsPerOrder: 3,
    machineBusyPercent: 40,
    otherPercent: 3,
    postgresByDatabase: { b_orders: 5, b_inventory: 3 },
    postgresPerOrder: { orders: { transactions: 9.2, rowsWritten: 30 } },
    consumersPerOrder: {
      orders: { handled: 7, retried: 0.1, batchedPercent: 64, averageBatch: 3.2, batchRollbacks: 0 },
    },
    errors: { status: {}, network: {}, notFinal: 0, skipped: 0, total: 0 },
    schedulerLagMaxMs: 3,
    pollsPerSec: 12,
    sustainable: true,
    reasons: [],
    ...overrides,
  };
}

const report: BenchReport = {
  startedAt: '2026-11-24T03:40:12.000Z',
  finishedAt: '2026-11-24T03:45:00.000Z',
  namespace: 'bench1a2b3c4d',
  store: 'own',
  settings: {
    rates: [25, 50, 100],
    durationS: 20,
    warmupS: 10,
    ceilingDurationS: 10,
    skus: ['CAMISETA-BASICA-M', 'MEIA-ALGODAO-KIT3'],
    serviceEnv: { MESSAGING_PREFETCH: '50' },
    tracing: null,
    maxSamplesPerRate: 200,
    overload: null,
  },
  machine: {
    cpuModel: 'Test CPU @ 3.0GHz',
    cores: 2,
    memoryGiB: 23.5,
    nodeVersion: 'v20.20.2',
    kernel: 'Linux 6.1.0',
    busyBeforePercent: 2,
    postgres: { version: '15.14', settings: { synchronous_commit: 'on' } },
    rabbitmq: { version: '4.1.0', erlang: '26.2' },
  },
  ceilings: {
    broker: {
      durationS: 10,
      publishers: 2,
      confirmBatch: 50,
      prefetch: 50,
      messageBytes: 1024,
      queueType: 'quorum',
      published: 30_000,
      consumed: 30_000,
      publishedPerSec: 3000,
      messagesPerSec: 3000,
    },
    postgres: { durationS: 10, clients: 8, rows: 1000, transactions: 24_000, errors: 0, txPerSec: 2400 },
  },
  unitCosts: { cores: 2, msPerDelivery: 0.667, msPerTransaction: 0.833 },
  criteria: { minCompletionRatio: 0.95, maxFinalP99Ms: 2000 },
  rates: [
    rate(25),
    rate(50),
    rate(100, {
      completedPerSec: 80,
      final: latency(1800, 4200, 6100),
      errors: { status: { 503: 2 }, network: { ECONNRESET: 1 }, notFinal: 4, skipped: 0, total: 7 },
      sustainable: false,
      reasons: ['completed 80/s < 95 % of 100/s offered', '7 error(s)'],
    }),
  ],
  skippedRates: [200, 400],
  maxSustainableRate: 50,
  brokerUtilisation: { deliveriesRatio: 0.233, publishesRatio: 0.1 },
  overload: null,
  notes: ['Stopped after 100 orders/s: its backlog did not drain.'],
};

describe('renderRateTable', () => {
  it('has one row per rate with rates, latencies, broker traffic, errors and the verdict', () => {
    const table = renderRateTable(report.rates).split('\n');
    expect(table).toHaveLength(5);
    expect(table[0]).toBe(
      '| offered/s | accepted/s | completed/s | POST p50/p95/p99 ms | final p50/p95/p99 ms (n) | final recorded p50/p95/p99 ms | broker publish/s | broker deliver/s | errors | sustainable |',
    );
    expect(table[2]).toBe(
      '| 25 | 25.0 | 25.0 | 8.4 / 15 / 31 | 95 / 150 / 210 (200) | 71 / 122 / 180 | 150 | 350 | 0 | yes |',
    );
    expect(table[4]).toContain('| 100 | 100.0 | 80.0 | 8.4 / 15 / 31 | 1800 / 4200 / 6100 (200) |');
    expect(table[4]).toContain('| no: completed 80/s < 95 % of 100/s offered; 7 error(s) |');
  });

  it('says n/a where nothing was measured', () => {
    const row = renderRateTable([
      rate(10, {
        broker: null,
        final: { count: 0, p50: null, p95: null, p99: null, max: null, mean: null },
        finalRecorded: { count: 0, p50: null, p95: null, p99: null, max: null, mean: null },
      }),
    ]);
    expect(row).toContain('| n/a (0) | n/a | n/a | n/a |');
  });
});

describe('describeErrors', () => {
  it('breaks the total down by kind', () => {
    expect(describeErrors(report.rates[2]!.errors)).toBe('7 (HTTP 503 × 2, ECONNRESET × 1, not final × 4)');
    expect(describeErrors(report.rates[0]!.errors)).toBe('0');
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report);

  it('notes the machine and the setup', () => {
    expect(md).toContain('# Loja bench, 2026-11-24T03:40:12.000Z');
    expect(md).toContain(
      'Machine: Test CPU @ 3.0GHz, 2 cores, 23.5 GiB; Node v20.20.2; Linux 6.1.0; 2 % busy before the run; PostgreSQL 15.14 (synchronous_commit=on); RabbitMQ 4.1.0 (Erlang 26.2).',
    );
    expect(md).toContain('namespace `bench1a2b3c4d`');
    expect(md).toContain('1 × CAMISETA-BASICA-M + 1 × MEIA-ALGODAO-KIT3');
    expect(md).toContain('service env: MESSAGING_PREFETCH=50');
  });

  it('reports the ceilings, the verdict and the broker utilisation', () => {
    expect(md).toContain('| RabbitMQ | 3000 msg/s | 2 publishers with confirms in batches of 50');
    expect(md).toContain('| PostgreSQL | 2400 tx/s | 8 clients');
    expect(md).toContain('Max sustainable rate: **50 orders/s**');
    expect(md).toContain(
      'Broker there: 700 deliveries/s = 23.3 % of the measured ceiling (3000 msg/s); 300 publishes/s = 10.0 %.',
    );
    expect(md).toContain('Not run: 200, 400 orders/s.');
  });

  it('tabulates CPU per process, only for processes that were seen', () => {
    expect(md).toContain('| offered/s | orders | rabbitmq | bench | other processes | machine busy |');
    expect(md).toContain('| 25 | 12 | 20 | 2 | 3 | 40 % of 2 cores |');
    expect(md).toContain('| 25 | 4.9 | 8.0 | 0.5 |');
    expect(md).not.toContain('| inventory |');
    expect(md).toContain(
      'PostgreSQL CPU by database at 100/s (backends alive at the end, % of one core): b_orders 5, b_inventory 3.',
    );
  });

  it('tabulates PostgreSQL transactions and rows per order', () => {
    expect(md).toContain('| offered/s | orders |\n|---:|---:|\n| 25 | 9.2 / 30 |');
  });

  it('shows where the time goes: floor, store, share above the floor, harness apart, all processes', () => {
    expect(md).toContain('## Where the time goes, CPU ms per completed order (window and drain)');
    expect(md).toContain(
      'Floor = deliveries × 0.667 ms (2 cores ÷ 3000 msg/s) + transactions × 0.833 ms (2 cores ÷ 2400 tx/s); see the notes.',
    );
    expect(md).toContain(
      '| offered/s | broker deliveries | PostgreSQL transactions | floor ms | store ms | above floor | harness: bench ms | harness: mail-sink ms | harness ms | all processes ms | e-mails |',
    );
    expect(md).toContain('| 25 | 14.0 | 19.6 | 13.7 | 62.5 | 78.1 % | 0.5 |  | 0.8 | 63.3 | 3.0 |');
  });

  it('leaves out what was not measured in the time table', () => {
    const external = renderTimeTable({
      ...report,
      unitCosts: { cores: 2, msPerDelivery: null, msPerTransaction: null },
      rates: [
        rate(10, {
          cpuPerOrder: {
            storeMs: null,
            harnessMs: 0.4,
            allMs: null,
            deliveries: 14,
            transactions: null,
            floorMs: null,
            aboveFloor: null,
          },
          emailsPerOrder: null,
        }),
      ],
    });
    expect(external).toContain('No floor: a ceiling was not measured.');
    expect(external).toContain('| 10 | 14.0 |  |  |  |  | 0.5 |  | 0.4 |  |  |');
  });

  it('says so when no rate was sustainable', () => {
    expect(renderMarkdown({ ...report, maxSustainableRate: null })).toContain(
      'Max sustainable rate: **none of the rates tried**',
    );
  });

  it('ends with the notes', () => {
    expect(md.trimEnd().endsWith('- Stopped after 100 orders/s: its backlog did not drain.')).toBe(true);
  });
});

const noErrors = { status: {}, network: {}, notFinal: 0, skipped: 0, total: 0 };

const overload: OverloadResult = {
  sustainableRate: 50,
  overloadRate: 100,
  factor: 2,
  durationS: 30,
  during: {
    offeredRate: 100,
    durationS: 30,
    planned: 3000,
    sent: 3000,
    accepted: 1650,
    acceptedPerSec: 55,
    completedPerSec: 52.4,
    throughputRatio: 1.048,
    refused: 1350,
    retryAfter: { '1': 1350 },
    post: latency(3.1, 12, 40),
    final: latency(900, 1500, 1900, 200),
    finalRecorded: latency(870, 1460, 1850, 200),
    errors: noErrors,
    schedulerLagMaxMs: 4,
  },
  after: {
    offeredRate: 50,
    durationS: 30,
    planned: 1500,
    sent: 1500,
    accepted: 1500,
    acceptedPerSec: 50,
    completedPerSec: 51,
    throughputRatio: 1.02,
    refused: 0,
    retryAfter: {},
    post: latency(8, 20, 35),
    final: latency(300, 600, 800, 200),
    finalRecorded: latency(270, 560, 760, 200),
    errors: noErrors,
    schedulerLagMaxMs: 3,
  },
  accepted: 3150,
  finalAtEnd: 3150,
  drainMs: 2300,
  errors: noErrors,
  broker: null,
  cpu: [],
  cpuPerOrder: {
    storeMs: 20.5,
    harnessMs: 0.9,
    allMs: 21.4,
    deliveries: 14,
    transactions: 19,
    floorMs: 13.2,
    aboveFloor: 0.356,
  },
  machineBusyPercent: 97,
  minThroughputRatio: 0.9,
  holds: true,
  reasons: [],
};

describe('renderOverload', () => {
  it('shows both segments, the refusals and their Retry-After, what was lost and the verdict', () => {
    const text = renderOverload(overload);
    expect(text).toContain(
      '100 orders/s (2 × 50) for 30 s, then 50 orders/s (the max sustainable rate) for 30 s; completed/s is every order that became final while a segment was sent, and must stay ≥ 90 % of 50/s (45.0/s) in both.',
    );
    expect(text).toContain(
      '| during | 100 | 55.0 | 52.4 | 104.8 % | 1350 (Retry-After 1 s × 1350) | 3.1 / 12 / 40 | 900 / 1500 / 1900 (200) | 870 / 1460 / 1850 | 0 |',
    );
    expect(text).toContain(
      '| after | 50 | 50.0 | 51.0 | 102.0 % | 0 | 8.0 / 20 / 35 | 300 / 600 / 800 (200) | 270 / 560 / 760 | 0 |',
    );
    expect(text).toContain('Accepted 3150 orders; 3150 final 2.3 s after the window: nothing lost.');
    expect(text).toContain(
      'store 20.5 ms (floor 13.2 ms, 35.6 % above), harness 0.9 ms, all processes 21.4 ms; machine 97 % busy.',
    );
    expect(text).toContain('Overload: **holds**');
  });

  it('says what failed, and when the counts were not known', () => {
    const text = renderOverload({
      ...overload,
      finalAtEnd: 3140,
      during: { ...overload.during, completedPerSec: null, throughputRatio: null },
      errors: { ...noErrors, notFinal: 10, total: 10 },
      holds: false,
      reasons: [
        'completed/s during the overload unknown: Orders did not answer the count',
        '10 accepted order(s) not final after the drain',
      ],
    });
    expect(text).toContain('| during | 100 | 55.0 | n/a | n/a |');
    expect(text).toContain('3140 final 2.3 s after the window: **10 not final**.');
    expect(text).toContain(
      'Overload: **does not hold**: completed/s during the overload unknown: Orders did not answer the count; 10 accepted order(s) not final after the drain.',
    );
  });

  it('has a section in the report when asked for, run or not', () => {
    const asked = { ...report.settings, overload: { factor: 2, rate: null, durationS: 30 } };
    expect(renderMarkdown({ ...report, settings: asked, overload })).toContain('## Overload\n\n100 orders/s (2 × 50)');
    expect(renderMarkdown({ ...report, settings: asked })).toContain('## Overload\n\nNot run: see the notes.');
    expect(renderMarkdown(report)).not.toContain('## Overload');
  });
});
