/** One point of the latency chart: an offered rate and the end-to-end latency percentiles there. */
export interface LatencyPoint {
  rate: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  title?: string;
  /** A horizontal dashed line, e.g. the p99 bound of the sustainability rule. */
  limit?: { value: number; label: string };
}

const SERIES = [
  { key: 'p50', color: '#2b8a3e' },
  { key: 'p95', color: '#e67700' },
  { key: 'p99', color: '#c92a2a' },
] as const;

interface Scale {
  at(value: number): number;
  ticks: number[];
  log: boolean;
}

/**
 * A line chart of p50/p95/p99 latency against offered rate, as a standalone SVG document. Both axes
 * turn logarithmic when the values span a wide range (rates doubling, latencies exploding past saturation).
 */
export function renderLatencyChart(points: readonly LatencyPoint[], options: ChartOptions = {}): string {
  const width = options.width ?? 760;
  const height = options.height ?? 440;
  const title = options.title ?? 'POST → final state latency vs offered rate';
  const m = { left: 72, right: 150, top: 44, bottom: 56 };
  const plot = { x0: m.left, x1: width - m.right, y0: height - m.bottom, y1: m.top };

  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  const rates = points.map((p) => p.rate).filter((r) => r > 0);
  const latencies = points.flatMap((p) => SERIES.map((s) => p[s.key])).filter((v): v is number => v !== null && v > 0);
  if (!rates.length || !latencies.length) {
    return [
      ...head,
      `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" fill="#868e96">no data</text>`,
      '</svg>',
      '',
    ].join('\n');
  }
  if (options.limit) latencies.push(options.limit.value);

  const x = scale(rates, plot.x0, plot.x1, 4, rates);
  const y = scale(latencies, plot.y0, plot.y1, 20);
  const out = [...head];

  // Grid and axes.
  for (const tick of y.ticks) {
    const py = f(y.at(tick));
    out.push(`<line x1="${plot.x0}" y1="${py}" x2="${plot.x1}" y2="${py}" stroke="#e9ecef"/>`);
    out.push(
      `<text x="${plot.x0 - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatNumber(tick)}</text>`,
    );
  }
  for (const tick of x.ticks) {
    const px = f(x.at(tick));
    out.push(`<line x1="${px}" y1="${plot.y0}" x2="${px}" y2="${plot.y1}" stroke="#f1f3f5"/>`);
    out.push(`<text x="${px}" y="${plot.y0 + 18}" text-anchor="middle">${formatNumber(tick)}</text>`);
  }
  out.push(`<line x1="${plot.x0}" y1="${plot.y0}" x2="${plot.x1}" y2="${plot.y0}" stroke="#343a40"/>`);
  out.push(`<line x1="${plot.x0}" y1="${plot.y0}" x2="${plot.x0}" y2="${plot.y1}" stroke="#343a40"/>`);
  out.push(
    `<text x="${(plot.x0 + plot.x1) / 2}" y="${height - 14}" text-anchor="middle">offered orders/s${x.log ? ' (log scale)' : ''}</text>`,
  );
  out.push(
    `<text x="18" y="${(plot.y0 + plot.y1) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(plot.y0 + plot.y1) / 2})">latency, ms${y.log ? ' (log scale)' : ''}</text>`,
  );

  if (options.limit) {
    const py = f(y.at(options.limit.value));
    out.push(
      `<line x1="${plot.x0}" y1="${py}" x2="${plot.x1}" y2="${py}" stroke="#495057" stroke-dasharray="6 4"/>`,
      `<text x="${plot.x0 + 6}" y="${py - 6}" fill="#495057">${escapeXml(options.limit.label)}</text>`,
    );
  }

  // Series: one polyline each over the points that have a value, a dot per point.
  const sorted = [...points].filter((p) => p.rate > 0).sort((a, b) => a.rate - b.rate);
  for (const series of SERIES) {
    const coords = sorted.flatMap((p) => {
      const v = p[series.key];
      return v !== null && v > 0 ? [[f(x.at(p.rate)), f(y.at(v))] as const] : [];
    });
    if (coords.length > 1) {
      out.push(
        `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${coords.map(([a, b]) => `${a},${b}`).join(' ')}"/>`,
      );
    }
    for (const [a, b] of coords) out.push(`<circle cx="${a}" cy="${b}" r="3.5" fill="${series.color}"/>`);
  }

  // Legend.
  SERIES.forEach((series, i) => {
    const ly = plot.y1 + 10 + i * 20;
    out.push(
      `<line x1="${plot.x1 + 20}" y1="${ly}" x2="${plot.x1 + 44}" y2="${ly}" stroke="${series.color}" stroke-width="2"/>`,
      `<text x="${plot.x1 + 50}" y="${ly}" dominant-baseline="middle">${series.key}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/** Log scale when max/min reaches `logRatio`, linear from 0 otherwise; pixel range [p0, p1]. */
function scale(values: number[], p0: number, p1: number, logRatio: number, fixedTicks?: number[]): Scale {
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (min > 0 && max / min >= logRatio) {
    const lo = Math.log10(min) - 0.05;
    const hi = Math.log10(max) + 0.05;
    const at = (v: number) => p0 + ((Math.log10(v) - lo) / (hi - lo)) * (p1 - p0);
    const ticks = fixedTicks ?? logTicks(10 ** lo, 10 ** hi);
    return { at, ticks: dedupe(ticks), log: true };
  }
  const step = niceStep(max / 5 || 1);
  const top = Math.ceil((max * 1.05) / step) * step || step;
  const at = (v: number) => p0 + (v / top) * (p1 - p0);
  const ticks = fixedTicks ?? Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  return { at, ticks: dedupe(ticks), log: false };
}

/** 1-2-5 ticks inside [lo, hi]. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let exp = Math.floor(Math.log10(lo)); exp <= Math.ceil(Math.log10(hi)); exp++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** exp;
      if (v >= lo && v <= hi) ticks.push(Number(v.toPrecision(6)));
    }
  }
  return ticks;
}

/** The 1-2-5 step nearest above `raw`. */
export function niceStep(raw: number): number {
  const exp = Math.floor(Math.log10(raw));
  const base = 10 ** exp;
  const m = [1, 2, 5, 10].find((c) => c * base >= raw) ?? 10;
  return Number((m * base).toPrecision(6));
}

function formatNumber(v: number): string {
  if (v >= 1000 && v % 1000 === 0) return `${v / 1000}k`;
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

const dedupe = (ticks: number[]) => [...new Set(ticks)].sort((a, b) => a - b);
const f = (v: number) => Math.round(v * 10) / 10;

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
