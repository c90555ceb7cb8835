import { AmqpConnection, MessageHandlerErrorBehavior } from '@golevelup/nestjs-rabbitmq';
import { Logger } from '@nestjs/common';
import type { MessagingOptions } from './messaging.options';

/**
 * golevelup's AmqpConnection, created per module instance rather than through RabbitMQModule (whose
 * connection registry is static: one application's shutdown would close every other connection of the
 * process). It keeps what we use it for: amqp-connection-manager's reconnecting confirm channels,
 * consumer setup re-run after every reconnect, and waiting for in-flight handlers on close.
 */
export async function createAmqpConnection(options: MessagingOptions): Promise<AmqpConnection> {
  const connection = new AmqpConnection({
    name: options.service,
    uri: options.rabbitmqUrl,
    prefetchCount: options.prefetch,
    exchanges: [{ name: options.exchange, type: 'topic', options: { durable: true } }],
    // Every error is handled by EventConsumers; this is only the fallback if that handling itself fails.
    defaultSubscribeErrorBehavior: MessageHandlerErrorBehavior.NACK,
    defaultPublishOptions: { persistent: true },
    connectionInitOptions: { wait: true, timeout: 30_000, reject: true },
    connectionManagerOptions: {
      heartbeatIntervalInSeconds: 5,
      reconnectTimeInSeconds: 1,
      connectionOptions: {
        // Nagle's algorithm on (amqplib's default) batches the frames written close together into
        // fewer segments, and the broker's work with them; off, a hop no longer waits for the broker's
        // delayed TCP ACK. ADR 14 has the measurements of both.
        noDelay: options.tcpNoDelay,
        clientProperties: { connection_name: `${options.service}-${process.pid}` },
      },
    },
    enableDirectReplyTo: false,
    registerHandlers: false,
    logger: new Logger(`amqp:${options.service}`),
  });
  await connection.init();
  return connection;
}
