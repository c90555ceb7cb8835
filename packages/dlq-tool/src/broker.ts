import { isDeadLetterQueue } from '@loja/messaging';
import { RabbitManagement } from '@loja/provisioning';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import type { RawMessage } from './dead-lettered-message';
import { DlqToolError } from './errors';
import type { ReplayDecision } from './replay-plan';
import { redactUrl, type DlqSettings } from './settings';

const CONNECT_TIMEOUT_MS = 10_000;

export interface QueueDepth {
  name: string;
  messages: number;
  consumers: number;
}

export interface ReplayOutcome {
  message: RawMessage;
  /** Where it went, or why it stayed in the DLQ. */
  result: { replayed: true; exchange: string; routingKey: string } | { replayed: false; reason: string };
}

/**
 * All broker access of the tool: the management API for queue names, AMQP for everything else.
 * Messages are read with basic.get and held unacknowledged until the end, so each is seen once and
 * any message not replayed or shown goes back to the DLQ (also if the tool dies half-way).
 */
export class DlqBroker {
  private constructor(
    private readonly settings: DlqSettings,
    private readonly connection: ChannelModel,
  ) {}

  static async connect(settings: DlqSettings): Promise<DlqBroker> {
    let connection: ChannelModel;
    try {
      connection = await amqp.connect(settings.amqpUrl, {
        timeout: CONNECT_TIMEOUT_MS,
        clientProperties: { connection_name: 'loja-dlq-tool' },
      });
    } catch (error) {
      throw connectionError(settings, error as Error);
    }
    // A lost connection fails the pending call; without a listener it would also crash the process.
    connection.on('error', () => undefined);
    return new DlqBroker(settings, connection);
  }

  get user(): string {
    return decodeURIComponent(new URL(this.settings.amqpUrl).username || 'guest');
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }

  /** Every `*.dlq` queue of the vhost, with its exact number of ready messages. */
  async deadLetterQueues(): Promise<QueueDepth[]> {
    const names = (await this.queueNames()).filter(isDeadLetterQueue).sort();
    const depths: QueueDepth[] = [];
    for (const name of names) {
      const depth = await this.depthIfExists(name);
      if (depth) depths.push(depth);
    }
    return depths;
  }

  /** Ready messages in `queue`; a clear error when it does not exist. */
  async depth(queue: string): Promise<QueueDepth> {
    const depth = await this.depthIfExists(queue);
    if (!depth) {
      throw new DlqToolError(
        `queue "${queue}" not found in vhost "${this.settings.vhost}" (npm run dlq -- list shows the DLQs)`,
      );
    }
    return depth;
  }

  /** Up to `limit` messages of `queue`, put back in the queue before returning. */
  async peek(queue: string, limit: number): Promise<{ depth: number; messages: RawMessage[] }> {
    const { messages: depth } = await this.depth(queue);
    const channel = await this.channel();
    const taken: GetMessage[] = [];
    try {
      while (taken.length < Math.min(limit, depth)) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        taken.push(message);
      }
    } finally {
      // nack (not reject): handing a message back is not a delivery failure for a quorum queue.
      for (const message of taken) channel.nack(message, false, true);
      await channel.close().catch(() => undefined);
    }
    return { depth, messages: taken };
  }

  /**
   * Takes the messages present in `queue` when it starts (never the ones dead-lettered meanwhile, so a
   * replay that fails again cannot loop), asks `decide` what to do with each, publishes with mandatory
   * routing and waits for the broker's confirm before acking the DLQ copy. Stops after `limit`
   * replays. Messages skipped, left or unroutable go back to the DLQ at the end.
   */
  async replay(
    queue: string,
    decide: (message: RawMessage) => ReplayDecision,
    { limit, onOutcome }: { limit?: number; onOutcome: (outcome: ReplayOutcome) => void },
  ): Promise<void> {
    const { messages: depth } = await this.depth(queue);
    const channel = await this.confirmChannel();
    let returned = false;
    // RabbitMQ sends basic.return before the confirm of an unroutable mandatory message.
    channel.on('return', () => (returned = true));
    const keep: GetMessage[] = [];
    const exchanges = new Map<string, boolean>();
    let replayed = 0;
    try {
      for (let seen = 0; seen < depth && (limit === undefined || replayed < limit); seen++) {
        const message = await channel.get(queue, { noAck: false });
        if (!message) break;
        const decision = decide(message);
        if (decision.kind === 'skip') {
          keep.push(message);
          continue;
        }
        if (decision.kind === 'leave') {
          keep.push(message);
          onOutcome({ message, result: { replayed: false, reason: decision.reason } });
          continue;
        }
        const { exchange, routingKey } = decision;
        if (!exchanges.has(exchange)) exchanges.set(exchange, await this.exchangeExists(exchange));
        if (!exchanges.get(exchange)) {
          keep.push(message);
          onOutcome({ message, result: { replayed: false, reason: `exchange "${exchange}" not found` } });
          continue;
        }
        returned = false;
        const confirmed = await new Promise<boolean>((resolve) =>
          channel.publish(exchange, routingKey, message.content, { ...decision.options, mandatory: true }, (error) =>
            resolve(!error),
          ),
        );
        if (!confirmed || returned) {
          keep.push(message);
          const reason = returned
            ? `no queue is bound to ${describeRoute(exchange, routingKey)}`
            : 'the broker did not confirm the copy';
          onOutcome({ message, result: { replayed: false, reason } });
          continue;
        }
        channel.ack(message);
        replayed++;
        onOutcome({ message, result: { replayed: true, exchange, routingKey } });
      }
    } finally {
      for (const message of keep) channel.nack(message, false, true);
      await channel.close().catch(() => undefined);
    }
  }

  /** Removes every ready message of `queue`; returns how many. */
  async purge(queue: string): Promise<number> {
    await this.depth(queue);
    const channel = await this.channel();
    try {
      return (await channel.purgeQueue(queue)).messageCount;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async queueNames(): Promise<string[]> {
    const management = new RabbitManagement(this.settings.managementUrl);
    try {
      return (await management.queues(this.settings.vhost)).map((queue) => queue.name);
    } catch (error) {
      throw managementError(this.settings, error as Error);
    }
  }

  /** Passive declare on a channel of its own: the broker closes the channel when the queue is missing. */
  private async depthIfExists(queue: string): Promise<QueueDepth | undefined> {
    const channel = await this.channel();
    try {
      const { messageCount, consumerCount } = await channel.checkQueue(queue);
      return { name: queue, messages: messageCount, consumers: consumerCount };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async exchangeExists(exchange: string): Promise<boolean> {
    if (exchange === '') return true;
    const channel = await this.channel();
    try {
      await channel.checkExchange(exchange);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  private async channel() {
    const channel = await this.connection.createChannel();
    channel.on('error', () => undefined);
    return channel;
  }

  private async confirmChannel(): Promise<ConfirmChannel> {
    const channel = await this.connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return channel;
  }
}

export function describeRoute(exchange: string, routingKey: string): string {
  return exchange === '' ? `queue ${routingKey} (default exchange)` : `${exchange} / ${routingKey}`;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown }).code === 404;
}

function connectionError(settings: DlqSettings, error: Error): DlqToolError {
  const where = redactUrl(settings.amqpUrl);
  const message = error.message ?? String(error);
  // RabbitMQ answers connection.open on an unknown (or forbidden) vhost with connection.close.
  if (/ConnectionOpenOk|NOT_ALLOWED/.test(message)) {
    return new DlqToolError(
      `vhost "${settings.vhost}" not found at ${where}, or the user may not access it (set --vhost or STORE_NAMESPACE)`,
    );
  }
  if (/ACCESS.REFUSED/.test(message)) {
    return new DlqToolError(`RabbitMQ at ${where} refused the user name or password`);
  }
  const code = (error as { code?: unknown }).code;
  const reason = typeof code === 'string' ? (NETWORK_ERRORS[code] ?? code) : message;
  const hint = code === 'ECONNREFUSED' ? '; is RabbitMQ running?' : '';
  return new DlqToolError(`cannot reach RabbitMQ at ${where}: ${reason}${hint}`);
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED)',
  ENOTFOUND: 'unknown host (ENOTFOUND)',
  ETIMEDOUT: 'timed out (ETIMEDOUT)',
  EHOSTUNREACH: 'host unreachable (EHOSTUNREACH)',
  ECONNRESET: 'connection reset (ECONNRESET)',
};

function managementError(settings: DlqSettings, error: Error): DlqToolError {
  const where = redactUrl(settings.managementUrl);
  if (/: 404 /.test(error.message)) {
    return new DlqToolError(`vhost "${settings.vhost}" not found (management API at ${where})`);
  }
  if (/: 401 /.test(error.message)) {
    return new DlqToolError(`the RabbitMQ management API at ${where} refused the user name or password`);
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const detail = typeof cause?.code === 'string' ? (NETWORK_ERRORS[cause.code] ?? cause.code) : error.message;
  return new DlqToolError(
    `cannot reach the RabbitMQ management API at ${where} (is the rabbitmq_management plugin enabled?): ${detail}`,
  );
}
