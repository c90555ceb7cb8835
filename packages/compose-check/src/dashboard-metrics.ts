import { readFileSync } from 'node:fs';

/**
 * The metric names a PromQL expression reads: what is left once label matchers (`{…}`), ranges
 * (`[5m]`), grouping clauses (`by (…)`) and function calls are taken out.
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)].map((m) => m[1]!);
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name)))];
}

const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'Inf', 'NaN']);

/** Every metric name the panels of a Grafana dashboard file query, sorted. */
export function dashboardMetricNames(dashboardFile: string): string[] {
  const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
    panels: Array<{ targets?: Array<{ expr?: string }> }>;
  };
  const exprs = dashboard.panels.flatMap((panel) => panel.targets ?? []).flatMap((t) => (t.expr ? [t.expr] : []));
  return [...new Set(exprs.flatMap(metricNamesOf))].sort();
}
