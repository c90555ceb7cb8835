import { describe, expect, it } from 'vitest';
import { metricValue, parseMetrics } from './prometheus-text';

describe('parseMetrics', () => {
  const text = [
    '# HELP loja_events_handled_total Events handled.',
    '# TYPE loja_events_handled_total counter',
    'loja_events_handled_total{queue="a.b",type="PedidoCriado",service="orders"} 3',
    'loja_events_handled_total{queue="a.c",type="PedidoCriado",service="orders"} 2',
    'loja_outbox_backlog{service="orders"} 0',
    'process_cpu_seconds_total 1.5e-1',
    'odd{note="say \\"hi\\", then go"} 1',
    '',
  ].join('\n');

  it('reads names, labels and values, comments skipped', () => {
    const samples = parseMetrics(text);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'loja_events_handled_total',
      labels: { queue: 'a.b', type: 'PedidoCriado', service: 'orders' },
      value: 3,
    });
    expect(samples[3]).toEqual({ name: 'process_cpu_seconds_total', labels: {}, value: 0.15 });
    expect(samples[4]!.labels.note).toBe('say "hi", then go');
  });

  it('sums the samples whose labels match', () => {
    const samples = parseMetrics(text);
    expect(metricValue(samples, 'loja_events_handled_total')).toBe(5);
    expect(metricValue(samples, 'loja_events_handled_total', { queue: 'a.c' })).toBe(2);
    expect(metricValue(samples, 'loja_events_handled_total', { queue: 'none' })).toBe(0);
  });
});
