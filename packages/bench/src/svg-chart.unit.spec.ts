import { describe, expect, it } from 'vitest';
import { escapeXml, logTicks, niceStep, renderLatencyChart, type LatencyPoint } from './svg-chart';

const points: LatencyPoint[] = [
  { rate: 25, p50: 80, p95: 120, p99: 150 },
  { rate: 50, p50: 90, p95: 140, p99: 190 },
  { rate: 100, p50: 110, p95: 220, p99: 400 },
  { rate: 200, p50: 300, p95: 1500, p99: 2600 },
  { rate: 400, p50: 4000, p95: 9000, p99: 12000 },
];

/** Coordinates of a polyline's points, as numbers. */
function polyline(svg: string, color: string): Array<[number, number]> {
  const match = new RegExp(`<polyline fill="none" stroke="${color}"[^>]* points="([^"]+)"`).exec(svg);
  expect(match).not.toBeNull();
  return match![1]!.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
}

describe('renderLatencyChart', () => {
  const svg = renderLatencyChart(points, { limit: { value: 2000, label: 'p99 bound 2 s' } });

  it('is one SVG document with a title, axes labels and a legend', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('POST → final state latency vs offered rate');
    expect(svg).toContain('offered orders/s (log scale)');
    expect(svg).toContain('latency, ms (log scale)');
    for (const key of ['p50', 'p95', 'p99']) expect(svg).toContain(`>${key}</text>`);
    expect(svg).toContain('p99 bound 2 s');
  });

  it('draws one line per percentile through every point, left to right, higher latency higher up', () => {
    for (const color of ['#2b8a3e', '#e67700', '#c92a2a']) {
      const coords = polyline(svg, color);
      expect(coords).toHaveLength(5);
      for (let i = 1; i < coords.length; i++) {
        expect(coords[i]![0]).toBeGreaterThan(coords[i - 1]![0]);
        expect(coords[i]![1]).toBeLessThan(coords[i - 1]![1]); // SVG y grows downwards
      }
    }
    expect(svg.match(/<circle /g)).toHaveLength(15);
  });

  it('labels the x axis with the offered rates, evenly spaced when they double', () => {
    for (const rate of [25, 50, 100, 200, 400]) expect(svg).toContain(`>${rate}</text>`);
    const xs = polyline(svg, '#2b8a3e').map(([x]) => x);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]!);
    for (const gap of gaps) expect(Math.abs(gap - gaps[0]!)).toBeLessThan(0.5);
  });

  it('skips missing values and falls back to linear axes on a narrow range', () => {
    const narrow = renderLatencyChart([
      { rate: 10, p50: 100, p95: 150, p99: null },
      { rate: 25, p50: 120, p95: 160, p99: 200 },
    ]);
    expect(narrow).not.toContain('log scale');
    expect(narrow.match(/<circle /g)).toHaveLength(5);
    expect(narrow.match(/<polyline /g)).toHaveLength(2);
  });

  it('says there is no data instead of drawing nothing', () => {
    expect(renderLatencyChart([])).toContain('no data');
    expect(renderLatencyChart([{ rate: 10, p50: null, p95: null, p99: null }])).toContain('no data');
  });

  it('escapes text', () => {
    expect(renderLatencyChart(points, { title: 'a < b & "c"' })).toContain('a &lt; b &amp; &quot;c&quot;');
    expect(escapeXml("it's")).toBe('it&apos;s');
  });
});

describe('axis helpers', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(0.7)).toBe(1);
    expect(niceStep(3)).toBe(5);
    expect(niceStep(120)).toBe(200);
    expect(niceStep(1000)).toBe(1000);
  });

  it('lists 1-2-5 ticks within a range', () => {
    expect(logTicks(70, 13_000)).toEqual([100, 200, 500, 1000, 2000, 5000, 10_000]);
  });
});
