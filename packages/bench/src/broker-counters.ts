import { RabbitManagement } from '@loja/provisioning';

export interface BrokerTotals {
  publish: number;
  deliver: number;
}

/**
 * Cumulative message counters of the management API, for one vhost or (when loading a store of
 * unknown vhost) the whole broker. The broker refreshes them every few seconds (collect_statistics_interval,
 * 5 s by default), so rates come from deltas between two quiet moments.
 */
export class BrokerCounters {
  constructor(
    private readonly management: RabbitManagement,
    readonly vhost: string | undefined,
  ) {}

  get source(): string {
    return this.vhost ? `management API, vhost ${this.vhost}` : 'management API, whole broker';
  }

  async read(): Promise<BrokerTotals | undefined> {
    try {
      const path = this.vhost ? `/vhosts/${encodeURIComponent(this.vhost)}` : '/overview';
      const body = await this.management.request<{ message_stats?: { publish?: number; deliver_get?: number } }>(
        'GET',
        path,
      );
      return { publish: body.message_stats?.publish ?? 0, deliver: body.message_stats?.deliver_get ?? 0 };
    } catch {
      return undefined;
    }
  }
}
