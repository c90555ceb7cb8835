import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage, type Options } from 'amqplib';

/**
 * A plain AMQP client for tests: publishes raw bytes (duplicates, poison) and reads queues without
 * consuming them for good (messages are got and requeued unless `take` is used).
 */
export class BrokerProbe {
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<BrokerProbe> {
    const connection = await amqp.connect(url);
    // A broker restart during a test closes this connection; the test reconnects, it must not crash.
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    return new BrokerProbe(connection, channel);
  }

  /**
   * Publishes and waits for the broker's confirm. A nack is the broker's back-pressure (a bounded
   * queue is full, `overflow: reject-publish`): the probe publishes again after a pause, as the relay
   * does, until `nackedForMs` has passed.
   */
  async publish(
    exchange: string,
    routingKey: string,
    body: Buffer | string | object,
    options: Options.Publish = {},
    { nackedForMs = 30_000 }: { nackedForMs?: number } = {},
  ): Promise<void> {
    const content = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const giveUpAt = Date.now() + nackedForMs;
    for (let pauseMs = 50; ; pauseMs = Math.min(pauseMs * 2, 1000)) {
      const confirmed = new Promise<void>((resolve, reject) =>
        this.channel.publish(exchange, routingKey, content, { persistent: true, ...options }, (error) =>
          error ? reject(new Error(`the broker nacked a publish to ${routingKey}`)) : resolve(),
        ),
      );
      try {
        return await confirmed;
      } catch (error) {
        if (Date.now() + pauseMs > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  async purge(queue: string): Promise<void> {
    await this.channel.purgeQueue(queue);
  }

  /** Reads every ready message of `queue` and puts them back. */
  async peek(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (;;) {
      const message = await this.channel.get(queue, { noAck: false });
      if (!message) break;
      messages.push(message);
    }
    for (const message of messages) this.channel.nack(message, false, true);
    return messages;
  }

  /** Binds a fresh exclusive queue to `exchange` and collects what arrives on `pattern`. */
  async tap(
    exchange: string,
    pattern: string,
  ): Promise<{ messages: Array<{ routingKey: string; body: any; properties: any }> }> {
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    await this.channel.bindQueue(queue, exchange, pattern);
    const tap = { messages: [] as Array<{ routingKey: string; body: any; properties: any }> };
    await this.channel.consume(
      queue,
      (message) => {
        if (!message) return;
        let body: unknown = message.content.toString();
        try {
          body = JSON.parse(message.content.toString());
        } catch {
          // keep raw text
        }
        tap.messages.push({ routingKey: message.fields.routingKey, body, properties: message.properties });
      },
      { noAck: true },
    );
    return tap;
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
