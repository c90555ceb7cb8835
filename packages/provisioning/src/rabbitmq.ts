/** One broker node as `GET /api/nodes` describes it. */
export interface BrokerNode {
  name: string;
  running?: boolean;
  fd_used?: number;
  fd_total?: number;
  sockets_used?: number;
  sockets_total?: number;
}

/** A queue's depth and message rates, as the management API reports them (rates are per second). */
export interface QueueStats {
  name: string;
  /** Ready and unacknowledged messages. */
  messages: number;
  messagesReady: number;
  messagesUnacknowledged: number;
  consumers: number;
  /** Messages routed into the queue, delivered to consumers, acknowledged; since the queue's start. */
  published: number;
  publishRate: number;
  deliverRate: number;
  ackRate: number;
  /** Messages delivered again (after a consumer's connection was lost): a sign of trouble. */
  redeliverRate: number;
}

export interface VhostQueueCount {
  vhost: string;
  queues: number;
}

/** Thin client of the RabbitMQ management HTTP API (the plugin `rabbitmq_management`). */
export class RabbitManagement {
  private readonly base: string;
  private readonly authorization: string;

  constructor(managementUrl: string) {
    const url = new URL(managementUrl);
    this.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/$/, '');
  }

  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}/api${path}`, {
      method,
      headers: { authorization: this.authorization, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok && !(method === 'DELETE' && response.status === 404)) {
      throw new Error(`RabbitMQ management ${method} ${path}: ${response.status} ${await response.text()}`);
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Creates the vhost (idempotent) and gives `user` full permissions on it. */
  async ensureVhost(vhost: string, user: string): Promise<void> {
    const v = encodeURIComponent(vhost);
    await this.request('PUT', `/vhosts/${v}`, { description: 'Loja store', default_queue_type: 'quorum' });
    await this.request('PUT', `/permissions/${v}/${encodeURIComponent(user)}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    });
  }

  async deleteVhost(vhost: string): Promise<void> {
    await this.request('DELETE', `/vhosts/${encodeURIComponent(vhost)}`);
  }

  async queues(
    vhost: string,
  ): Promise<Array<{ name: string; messages?: number; messages_ready?: number; consumers?: number }>> {
    return this.request('GET', `/queues/${encodeURIComponent(vhost)}?columns=name,messages,messages_ready,consumers`);
  }

  /**
   * Depth and rates of every queue of `vhost`, in one request. The broker refreshes them every few
   * seconds (its collect_statistics_interval, 5 s by default), so polling faster shows nothing new.
   */
  async queueStats(vhost: string): Promise<QueueStats[]> {
    const columns = [
      'name',
      'messages',
      'messages_ready',
      'messages_unacknowledged',
      'consumers',
      'message_stats.publish',
      'message_stats.publish_details.rate',
      'message_stats.deliver_get_details.rate',
      'message_stats.ack_details.rate',
      'message_stats.redeliver_details.rate',
    ].join(',');
    const queues = await this.request<ManagementQueue[]>(
      'GET',
      `/queues/${encodeURIComponent(vhost)}?columns=${columns}`,
    );
    return queues.map((q) => ({
      name: q.name,
      messages: q.messages ?? 0,
      messagesReady: q.messages_ready ?? 0,
      messagesUnacknowledged: q.messages_unacknowledged ?? 0,
      consumers: q.consumers ?? 0,
      published: q.message_stats?.publish ?? 0,
      publishRate: q.message_stats?.publish_details?.rate ?? 0,
      deliverRate: q.message_stats?.deliver_get_details?.rate ?? 0,
      ackRate: q.message_stats?.ack_details?.rate ?? 0,
      redeliverRate: q.message_stats?.redeliver_details?.rate ?? 0,
    }));
  }

  /** The broker's nodes with their file handle and socket counts (absent on brokers that do not report them). */
  async nodes(): Promise<BrokerNode[]> {
    return this.request('GET', '/nodes?columns=name,running,fd_used,fd_total,sockets_used,sockets_total');
  }

  /** Every vhost with its number of queues, most queues first. */
  async queueCountsByVhost(): Promise<VhostQueueCount[]> {
    const [vhosts, queues] = await Promise.all([
      this.request<Array<{ name: string }>>('GET', '/vhosts?columns=name'),
      this.request<Array<{ vhost: string }>>('GET', '/queues?columns=vhost'),
    ]);
    const counts = new Map(vhosts.map((v) => [v.name, 0]));
    for (const { vhost } of queues) counts.set(vhost, (counts.get(vhost) ?? 0) + 1);
    return [...counts]
      .map(([vhost, queueCount]) => ({ vhost, queues: queueCount }))
      .sort((a, b) => b.queues - a.queues || a.vhost.localeCompare(b.vhost));
  }

  async connections(vhost: string): Promise<Array<{ name: string; client_properties?: { connection_name?: string } }>> {
    return this.request('GET', `/vhosts/${encodeURIComponent(vhost)}/connections`);
  }

  /** Closes a client connection from the server side, as a broker restart or network cut would. */
  async closeConnection(name: string): Promise<void> {
    await this.request('DELETE', `/connections/${encodeURIComponent(name)}`);
  }
}

/** A queue as `GET /api/queues/{vhost}` returns it; a fresh queue has no message_stats yet. */
interface ManagementQueue {
  name: string;
  messages?: number;
  messages_ready?: number;
  messages_unacknowledged?: number;
  consumers?: number;
  message_stats?: {
    publish?: number;
    publish_details?: { rate: number };
    deliver_get_details?: { rate: number };
    ack_details?: { rate: number };
    redeliver_details?: { rate: number };
  };
}
