import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { ChannelWrapper } from 'amqp-connection-manager';
import { MESSAGING_OPTIONS, type MessagingOptions } from '../messaging.options';
import { OutboxRelay } from '../outbox/outbox-relay.service';
import { AckWindow } from './ack-window';
import { ConsumerStats } from './consumer-stats';
import { declareConsumerTopology } from './consumer-topology';
import { DeliveryPipeline, type Settlement } from './delivery-pipeline';
import { HandlerRegistry, type ConsumerQueue } from './handler-registry';

/** A queue's consumer on the channel it has now (a reconnect gives it a new one). */
interface AttachedConsumer {
  channel: Channel;
  consumerTag: string;
}

/**
 * Consumes every queue this service's @HandleEvent methods take: one channel per queue (its own
 * prefetch, and acks that never mix with another queue's delivery tags), set up again after every
 * reconnect. Each message goes through the DeliveryPipeline; the AckWindow acks once the outcome is
 * safe, a batch with one `multiple` ack.
 */
@Injectable()
export class EventConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventConsumers.name);
  private readonly channels: ChannelWrapper[] = [];
  private readonly attached = new Map<string, AttachedConsumer>();
  private readonly inFlight = new Set<Promise<void>>();
  /** A channel of its own for reading queue depths: a failed check never closes a consumer's. */
  private inspection: ChannelWrapper | undefined;
  private queues: ConsumerQueue[] = [];
  private ready = false;
  private stopping = false;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly amqp: AmqpConnection,
    private readonly registry: HandlerRegistry,
    private readonly pipeline: DeliveryPipeline,
    private readonly relay: OutboxRelay,
    private readonly counters: ConsumerStats,
  ) {}

  /** True once every queue is declared and consumed. */
  get isReady(): boolean {
    return this.ready && this.attached.size === this.queues.length;
  }

  /** Queue names this service consumes. */
  get queueNames(): string[] {
    return this.queues.map((queue) => queue.name);
  }

  /** Ready messages waiting in each queue this service consumes, as the broker counts them now. */
  async waitingMessages(): Promise<Record<string, number>> {
    // Asked while the broker is away, it would wait for the reconnect: say so at once instead.
    if (!this.amqp.managedConnection.isConnected()) throw new Error('broker not connected');
    this.inspection ??= this.amqp.managedConnection.createChannel({ name: 'inspect consumer queues', confirm: false });
    const inspection = this.inspection;
    await inspection.waitForConnect();
    const counts = await Promise.all(
      this.queues.map(async (queue) => [queue.name, (await inspection.checkQueue(queue.name)).messageCount] as const),
    );
    return Object.fromEntries(counts);
  }

  /** Outcomes since start. */
  get stats(): ReturnType<ConsumerStats['snapshot']> {
    return this.counters.snapshot();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queues = this.registry.discover();
    for (const queue of this.queues) await this.consume(queue);
    this.ready = true;
  }

  /** Graceful shutdown: stop taking messages, let in-flight handlers finish, flush the outbox. */
  async beforeApplicationShutdown(): Promise<void> {
    this.ready = false;
    this.stopping = true;
    for (const { channel, consumerTag } of this.attached.values()) {
      await channel.cancel(consumerTag).catch(() => undefined);
    }
    await Promise.allSettled([...this.inFlight]);
    await this.relay.stop();
    await Promise.allSettled([...this.channels, ...(this.inspection ? [this.inspection] : [])].map((c) => c.close()));
  }

  private async consume(queue: ConsumerQueue): Promise<void> {
    const handle = this.pipeline.forQueue(queue);
    const wrapper = this.amqp.managedConnection.createChannel({
      name: `consume ${queue.name}`,
      confirm: false,
      setup: async (channel: Channel) => {
        if (this.stopping) return;
        await declareConsumerTopology(channel, queue, this.options);
        await channel.prefetch(this.options.prefetch);
        const window = new AckWindow((deliveryTag, multiple) =>
          ignoreClosedChannel(() => channel.ack({ fields: { deliveryTag } } as ConsumeMessage, multiple)),
        );
        channel.once('close', () => {
          if (this.attached.get(queue.name)?.channel === channel) this.attached.delete(queue.name);
        });
        const { consumerTag } = await channel.consume(
          queue.name,
          (message) => {
            // null: the broker cancelled the consumer (queue deleted); setup runs again on reconnect.
            if (!message) return;
            const tag = message.fields.deliveryTag;
            window.delivered(tag);
            const settlement: Settlement = {
              ack: () => window.settle(tag),
              reject: () => {
                ignoreClosedChannel(() => channel.nack(message, false, false));
                window.rejected(tag);
              },
            };
            this.track(handle(message, settlement));
          },
          { noAck: false },
        );
        this.attached.set(queue.name, { channel, consumerTag });
      },
    });
    this.channels.push(wrapper);
    await wrapper.waitForConnect();
    this.logger.log({ msg: 'consuming', queue: queue.name, events: [...queue.handlers.keys()] });
  }

  private track(work: Promise<void>): void {
    const tracked = work
      .catch((error: Error) => this.logger.error({ msg: 'message handling failed', error: error.stack }))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}

/**
 * An ack or nack on a channel that closed meanwhile cannot be sent: the broker redelivers the message
 * on the next channel, and the inbox absorbs it if it had been handled.
 */
function ignoreClosedChannel(send: () => void): void {
  try {
    send();
  } catch {
    // channel closed
  }
}
