import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from './markdown';
import type { BenchReport } from './results';
import { renderLatencyChart } from './svg-chart';

/** `2026-11-24T03:40:12.345Z` → `2026-11-24T03-40-12Z`: sortable and fit for a folder name. */
export function timestampFolder(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
}

/** Writes results.json, results.md and latency-vs-rate.svg into `dir`; returns the Markdown. */
export function writeResults(dir: string, report: BenchReport): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  const markdown = renderMarkdown(report);
  writeFileSync(join(dir, 'results.md'), markdown);
  const chart = renderLatencyChart(
    report.rates.map((r) => ({ rate: r.offeredRate, p50: r.final.p50, p95: r.final.p95, p99: r.final.p99 })),
    {
      title: 'Loja: POST → final state latency vs offered rate',
      limit: { value: report.criteria.maxFinalP99Ms, label: `p99 bound ${report.criteria.maxFinalP99Ms} ms` },
    },
  );
  writeFileSync(join(dir, 'latency-vs-rate.svg'), chart);
  return markdown;
}
