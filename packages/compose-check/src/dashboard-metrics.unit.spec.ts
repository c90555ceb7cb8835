import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dashboardMetricNames, metricNamesOf } from './dashboard-metrics';
import { repoRoot } from './repo';

describe('metricNamesOf', () => {
  it('finds the metrics of an expression, not its functions, labels or ranges', () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (service, le) (rate(loja_outbox_publish_confirm_seconds_bucket[5m])))',
      ),
    ).toEqual(['loja_outbox_publish_confirm_seconds_bucket']);
    expect(
      metricNamesOf(
        'sum by (queue) (rate(loja_consumer_batch_size_sum[1m])) / sum by (queue) (rate(loja_consumer_batch_size_count[1m]))',
      ),
    ).toEqual(['loja_consumer_batch_size_sum', 'loja_consumer_batch_size_count']);
    expect(metricNamesOf('max by (queue) (rabbitmq_detailed_queue_messages{queue=~".+\\\\.dlq"})')).toEqual([
      'rabbitmq_detailed_queue_messages',
    ]);
    expect(metricNamesOf('max by (service) (loja_outbox_backlog)')).toEqual(['loja_outbox_backlog']);
  });

  it('reads every panel of the store dashboard', () => {
    const names = dashboardMetricNames(join(repoRoot(), 'infra/grafana/dashboards/loja-store.json'));
    expect(names).toContain('loja_orders_finished_total');
    expect(names).toContain('process_cpu_seconds_total');
    expect(names).toContain('rabbitmq_global_messages_received_total');
    expect(names.every((name) => /^(loja|rabbitmq|process|nodejs)_[a-z0-9_]+$/.test(name))).toBe(true);
  });
});
