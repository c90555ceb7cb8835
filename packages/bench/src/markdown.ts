import type { LatencySummary } from './percentiles';
import type { BenchReport, CpuPerOrder, MachineInfo, OverloadResult, RateErrors, RateResult } from './results';

/** Columns of the CPU tables, in this order; processes the run did not see are left out. */
const CPU_COLUMNS = [
  'orders',
  'inventory',
  'payments',
  'logistics',
  'notifications',
  'rabbitmq',
  'postgres',
  'mail-sink',
  'bench',
];

/** results.md: machine, ceilings, the per-rate table, the verdict and where the CPU went. */
export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  lines.push(`# Loja bench, ${report.startedAt}`, '');
  lines.push(`Machine: ${describeMachine(report.machine)}.`, '');
  const env = Object.entries(report.settings.serviceEnv);
  lines.push(
    `Store: ${report.store === 'own' ? `started by the bench (namespace \`${report.namespace}\`, SHIPPING_DELAY_MS=0)` : 'external (given by URL)'}; ` +
      `${report.settings.durationS} s per rate${report.settings.warmupS ? ` after a ${report.settings.warmupS} s warm-up at ${report.settings.warmupRate ?? 5} orders/s` : ''}; each order: 1 × ${report.settings.skus.join(' + 1 × ')}, card approved` +
      (env.length ? `; service env: ${env.map(([k, v]) => `${k}=${v}`).join(', ')}` : '') +
      `; ${tracingLine(report.settings.tracing)}.`,
    '',
  );

  lines.push('## Ceilings of this machine', '', '| what | result | how |', '|---|---:|---|');
  const { broker, postgres } = report.ceilings;
  lines.push(
    broker
      ? `| RabbitMQ | ${int(broker.messagesPerSec)} msg/s | ${broker.publishers} publishers with confirms in batches of ${broker.confirmBatch}, 1 consumer (prefetch ${broker.prefetch}, manual ack), ${broker.messageBytes} B persistent messages, one ${broker.queueType} queue, ${broker.durationS} s |`
      : '| RabbitMQ | not measured | |',
  );
  lines.push(
    postgres
      ? `| PostgreSQL | ${int(postgres.txPerSec)} tx/s | ${postgres.clients} clients: BEGIN; UPDATE one of ${postgres.rows} rows; INSERT one row; COMMIT, ${postgres.durationS} s${postgres.errors ? `, ${postgres.errors} errors` : ''} |`
      : '| PostgreSQL | not measured | |',
  );
  lines.push('');

  lines.push('## Orders', '', renderRateTable(report.rates), '');
  lines.push(
    'final: POST due → final state seen by the poller (GET /orders/:id every 50 ms or more, so late by up to that); ' +
      'final recorded: POST due → the time Orders recorded the final state on the order’s timeline, for the same orders. ' +
      'The sustainable criterion takes final, as seen.',
    '',
  );
  if (report.skippedRates.length) lines.push(`Not run: ${report.skippedRates.join(', ')} orders/s.`, '');
  lines.push(renderVerdict(report), '');
  if (report.settings.overload) {
    lines.push('## Overload', '', report.overload ? renderOverload(report.overload) : 'Not run: see the notes.', '');
  }

  if (report.rates.some((r) => r.cpu.length)) {
    const columns = CPU_COLUMNS.filter((name) => report.rates.some((r) => r.cpu.some((c) => c.name === name)));
    lines.push('## CPU, % of one core during the send window', '');
    lines.push(
      `| offered/s | ${columns.join(' | ')} | other processes | machine busy |`,
      `|---:|${columns.map(() => '---:').join('|')}|---:|---:|`,
    );
    for (const rate of report.rates) {
      const cells = columns.map((name) => {
        const cpu = rate.cpu.find((c) => c.name === name);
        return cpu ? String(Math.round(cpu.windowPercent)) : '';
      });
      lines.push(
        `| ${rate.offeredRate} | ${cells.join(' | ')} | ${Math.round(rate.otherPercent)} | ${Math.round(rate.machineBusyPercent)} % of ${report.machine.cores} cores |`,
      );
    }
    lines.push('', '## CPU ms per completed order (window and drain)', '');
    lines.push(`| offered/s | ${columns.join(' | ')} |`, `|---:|${columns.map(() => '---:').join('|')}|`);
    for (const rate of report.rates) {
      const cells = columns.map((name) => {
        const ms = rate.cpu.find((c) => c.name === name)?.msPerOrder;
        return ms === null || ms === undefined ? '' : ms.toFixed(1);
      });
      lines.push(`| ${rate.offeredRate} | ${cells.join(' | ')} |`);
    }
    lines.push('', renderTimeTable(report), '');
    const services = CPU_COLUMNS.filter((name) => report.rates.some((r) => r.postgresPerOrder[name]));
    if (services.length) {
      lines.push('## PostgreSQL per completed order: transactions / rows written', '');
      lines.push(`| offered/s | ${services.join(' | ')} |`, `|---:|${services.map(() => '---:').join('|')}|`);
      for (const rate of report.rates) {
        const cells = services.map((name) => {
          const db = rate.postgresPerOrder[name];
          return db ? `${db.transactions} / ${db.rowsWritten}` : '';
        });
        lines.push(`| ${rate.offeredRate} | ${cells.join(' | ')} |`);
      }
      lines.push('');
    }
    const consuming = CPU_COLUMNS.filter((name) => report.rates.some((r) => r.consumersPerOrder?.[name]));
    if (consuming.length) {
      lines.push(
        '## Events per completed order: handled / retried / % handled in shared transactions (average batch)',
        '',
      );
      lines.push(`| offered/s | ${consuming.join(' | ')} |`, `|---:|${consuming.map(() => '---:').join('|')}|`);
      for (const rate of report.rates) {
        const cells = consuming.map((name) => {
          const c = rate.consumersPerOrder?.[name];
          if (!c) return '';
          const batches = c.averageBatch === null ? '' : ` (${c.averageBatch})`;
          return `${c.handled} / ${c.retried} / ${c.batchedPercent} %${batches}`;
        });
        lines.push(`| ${rate.offeredRate} | ${cells.join(' | ')} |`);
      }
      lines.push('');
    }
    const last = report.rates[report.rates.length - 1];
    const byDb = last ? Object.entries(last.postgresByDatabase).sort((a, b) => b[1] - a[1]) : [];
    if (last && byDb.length) {
      lines.push(
        `PostgreSQL CPU by database at ${last.offeredRate}/s (backends alive at the end, % of one core): ` +
          byDb.map(([db, pct]) => `${db} ${Math.round(pct)}`).join(', ') +
          '.',
        '',
      );
    }
  }

  if (report.notes.length) {
    lines.push('## Notes', '', ...report.notes.map((note) => `- ${note}`), '');
  }
  return lines.join('\n');
}

/**
 * Where the time goes, per completed order: the store's CPU against the floor its broker deliveries
 * and PostgreSQL transactions cost at the ceilings' unit costs, and the harness apart.
 */
export function renderTimeTable(report: BenchReport): string {
  const { msPerDelivery, msPerTransaction, cores } = report.unitCosts;
  const { broker, postgres } = report.ceilings;
  const units =
    msPerDelivery !== null && msPerTransaction !== null && broker && postgres
      ? `Floor = deliveries × ${msPerDelivery} ms (${cores} cores ÷ ${int(broker.messagesPerSec)} msg/s) + transactions × ${msPerTransaction} ms (${cores} cores ÷ ${int(postgres.txPerSec)} tx/s); see the notes.`
      : 'No floor: a ceiling was not measured.';
  const rows = [
    '## Where the time goes, CPU ms per completed order (window and drain)',
    '',
    `Store = the five services + RabbitMQ + PostgreSQL; harness = the bench process (load generator, poller) + its mail sink, kept out of the store's figures; all processes = store + harness (the target: ≤ 20 ms). ${units}`,
    '',
    '| offered/s | broker deliveries | PostgreSQL transactions | floor ms | store ms | above floor | harness: bench ms | harness: mail-sink ms | harness ms | all processes ms | e-mails |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of report.rates) {
    const ms = (name: string) => one1(r.cpu.find((c) => c.name === name)?.msPerOrder ?? null);
    rows.push(
      `| ${r.offeredRate} | ${timeCells(r.cpuPerOrder, ms('bench'), ms('mail-sink'))} | ${one1(r.emailsPerOrder)} |`,
    );
  }
  return rows.join('\n');
}

function timeCells(c: CpuPerOrder, bench: string, mailSink: string): string {
  return [
    one1(c.deliveries),
    one1(c.transactions),
    one1(c.floorMs),
    one1(c.storeMs),
    c.aboveFloor === null ? '' : pct(c.aboveFloor),
    bench,
    mailSink,
    one1(c.harnessMs),
    one1(c.allMs),
  ].join(' | ');
}

/** The overload phase: both segments, what was refused, whether anything was lost, the verdict. */
export function renderOverload(o: OverloadResult): string {
  const needed = o.minThroughputRatio * o.sustainableRate;
  const rows = [
    `${o.overloadRate} orders/s (${o.factor} × ${o.sustainableRate}) for ${o.durationS} s, then ${o.sustainableRate} orders/s (the max sustainable rate) for ${o.durationS} s; ` +
      `completed/s is every order that became final while a segment was sent, and must stay ≥ ${Math.round(o.minThroughputRatio * 100)} % of ${o.sustainableRate}/s (${one(needed)}/s) in both. ` +
      'A 503 with Retry-After is the store refusing what it cannot take, not an error here.',
    '',
    '| segment | offered/s | accepted/s | completed/s | of sustainable | refused (503 with Retry-After) | POST p50/p95/p99 ms | final p50/p95/p99 ms (n) | final recorded p50/p95/p99 ms | errors |',
    '|---|---:|---:|---:|---:|---|---:|---:|---:|---|',
  ];
  for (const [name, s] of [
    ['during', o.during],
    ['after', o.after],
  ] as const) {
    const retryAfter = Object.entries(s.retryAfter)
      .map(([value, n]) => `${value} s × ${n}`)
      .join(', ');
    rows.push(
      `| ${name} | ${s.offeredRate} | ${one(s.acceptedPerSec)} | ${s.completedPerSec === null ? 'n/a' : one(s.completedPerSec)} | ` +
        `${s.throughputRatio === null ? 'n/a' : pct(s.throughputRatio)} | ${s.refused}${retryAfter ? ` (Retry-After ${retryAfter})` : ''} | ` +
        `${triple(s.post)} | ${triple(s.final)} (${s.final.count}) | ${triple(s.finalRecorded)} | ${describeErrors(s.errors)} |`,
    );
  }
  const lost = o.accepted - o.finalAtEnd;
  const c = o.cpuPerOrder;
  rows.push(
    '',
    `Accepted ${o.accepted} orders; ${o.finalAtEnd} final ${(o.drainMs / 1000).toFixed(1)} s after the window` +
      (lost ? `: **${lost} not final**.` : ': nothing lost.') +
      ` CPU per completed order over the phase: store ${ms1(c.storeMs)} (floor ${ms1(c.floorMs)}${c.aboveFloor === null ? '' : `, ${pct(c.aboveFloor)} above`}), ` +
      `harness ${ms1(c.harnessMs)}, all processes ${ms1(c.allMs)}; machine ${Math.round(o.machineBusyPercent)} % busy.`,
    '',
    o.holds
      ? `Overload: **holds** (completed/s ≥ ${Math.round(o.minThroughputRatio * 100)} % of the sustainable rate during and after, nothing lost, no errors).`
      : `Overload: **does not hold**: ${o.reasons.join('; ')}.`,
  );
  return rows.join('\n');
}

/** The per-rate table (also printed at the end of a run). */
export function renderRateTable(rates: readonly RateResult[]): string {
  const rows = [
    '| offered/s | accepted/s | completed/s | POST p50/p95/p99 ms | final p50/p95/p99 ms (n) | final recorded p50/p95/p99 ms | broker publish/s | broker deliver/s | errors | sustainable |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  for (const r of rates) {
    rows.push(
      `| ${r.offeredRate} | ${one(r.acceptedPerSec)} | ${one(r.completedPerSec)} | ${triple(r.post)} | ${triple(r.final)} (${r.final.count}) | ${triple(r.finalRecorded)} | ` +
        `${r.broker ? int(r.broker.publishPerSec) : 'n/a'} | ${r.broker ? int(r.broker.deliverPerSec) : 'n/a'} | ${describeErrors(r.errors)} | ` +
        `${r.sustainable ? 'yes' : `no: ${r.reasons.join('; ')}`} |`,
    );
  }
  return rows.join('\n');
}

export function renderVerdict(report: BenchReport): string {
  const c = report.criteria;
  const rule = `completed/s ≥ ${Math.round(c.minCompletionRatio * 100)} % of offered, final-state p99 < ${c.maxFinalP99Ms} ms, no errors`;
  if (report.maxSustainableRate === null) return `Max sustainable rate: **none of the rates tried** (${rule}).`;
  const at = report.rates.find((r) => r.offeredRate === report.maxSustainableRate);
  let text = `Max sustainable rate: **${report.maxSustainableRate} orders/s** (${rule}).`;
  if (at?.broker && report.brokerUtilisation && report.ceilings.broker) {
    text +=
      ` Broker there: ${int(at.broker.deliverPerSec)} deliveries/s = ${pct(report.brokerUtilisation.deliveriesRatio)} of the measured ceiling ` +
      `(${int(report.ceilings.broker.messagesPerSec)} msg/s); ${int(at.broker.publishPerSec)} publishes/s = ${pct(report.brokerUtilisation.publishesRatio)}.`;
  }
  return text;
}

export function describeMachine(m: MachineInfo): string {
  const parts = [
    `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB`,
    `Node ${m.nodeVersion}`,
    m.kernel,
    `${m.busyBeforePercent} % busy before the run`,
  ];
  if (m.postgres) {
    const s = Object.entries(m.postgres.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ');
    parts.push(`PostgreSQL ${m.postgres.version}${s ? ` (${s})` : ''}`);
  }
  if (m.rabbitmq) parts.push(`RabbitMQ ${m.rabbitmq.version} (Erlang ${m.rabbitmq.erlang})`);
  return parts.join('; ');
}

export function describeErrors(e: RateErrors): string {
  if (!e.total) return '0';
  const parts = [
    ...Object.entries(e.status).map(([status, n]) => `HTTP ${status} × ${n}`),
    ...Object.entries(e.network).map(([code, n]) => `${code} × ${n}`),
    ...(e.notFinal ? [`not final × ${e.notFinal}`] : []),
    ...(e.skipped ? [`not sent × ${e.skipped}`] : []),
  ];
  return `${e.total} (${parts.join(', ')})`;
}

const triple = (s: LatencySummary) => (s.count ? `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}` : 'n/a');
const ms = (v: number | null) => (v === null ? 'n/a' : v < 10 ? v.toFixed(1) : String(Math.round(v)));
const one = (v: number) => v.toFixed(1);
const one1 = (v: number | null) => (v === null ? '' : v.toFixed(1));
const ms1 = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
const int = (v: number) => String(Math.round(v));
const pct = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;

function tracingLine(tracing: BenchReport['settings']['tracing']): string {
  if (!tracing) return 'tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset); metrics on, as always';
  const megabytes = (tracing.bytes / 1e6).toFixed(1);
  return `tracing on: every service exported its spans over OTLP/HTTP to a local receiver that counts them (${tracing.exports} exports, ${megabytes} MB); metrics on, as always`;
}
