import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PedidoCriado } from '@loja/contracts';
import { startMailSink, type MailSink, type SinkMessage } from '@loja/mail-sink';
import { Database, declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pedidoCriado } from './order-events';

const QUEUE = 'notifications.email-customer';

const newOrder = () =>
  pedidoCriado({ id: 'c-2', name: 'Bruno Lima', mailbox: 'bruno' }, [
    { sku: 'BONE-EDICAO-LIMITADA', name: 'Boné Edição Limitada', quantity: 1, unitPriceCents: 8990 },
  ]);

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface ConsumerStats {
  handled: number;
  duplicates: number;
  retried: number;
  deadLettered: number;
}

// Its own file: the service runs with an SMTP server that is not there (until the test starts one).
describe('notifications when the SMTP server is down', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let app: INestApplication | undefined;
  let baseUrl: string;
  let database: Database;
  let smtpPort: number;
  let sink: MailSink | undefined;

  const stats = async (): Promise<ConsumerStats> => {
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as { details: { consumers: ConsumerStats } };
    return health.details.consumers;
  };
  const listed = async (orderId: string) =>
    (await (await fetch(`${baseUrl}/notifications?orderId=${orderId}`)).json()) as Array<{
      notice: string;
      status: string;
      sentAt: string | null;
    }>;
  const outboxRow = async (orderId: string) => {
    const [row] = await database.query<{ attempts: number; last_error: string | null; sent_at: Date | null }>(
      'SELECT attempts, last_error, sent_at FROM notification WHERE order_id = $1::uuid',
      [orderId],
    );
    return row;
  };

  beforeAll(async () => {
    ns = await TestNamespace.create('notifications_smtp');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    const databaseUrl = await ns.database('notifications', join(__dirname, '..'));
    smtpPort = await closedPort();
    const started = await startServiceForTest(async () => (await import('../src/app.module')).AppModule, {
      service: 'notifications',
      defaultPort: 0,
      env: {
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: ns.rabbitmqUrl,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        // few handler attempts: had SMTP been part of the handler, the event would be dead-lettered
        MESSAGING_RETRY_ATTEMPTS: '2',
        MESSAGING_RETRY_INITIAL_DELAY_MS: '100',
        NOTIFICATIONS_SWEEP_INTERVAL_MS: '100',
        NOTIFICATIONS_RETRY_INITIAL_DELAY_MS: '100',
        NOTIFICATIONS_RETRY_MAX_DELAY_MS: '400',
      },
    });
    app = started.app;
    baseUrl = started.baseUrl;
    database = app.get(Database);
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await sink?.close();
    await ns?.dispose();
  });

  it('acks the event, keeps the e-mail waiting while SMTP is down, and sends it once when SMTP is back', async () => {
    const order = newOrder();
    const { orderId } = order.data;
    await probe.publish('loja.events', PedidoCriado.routingKey, order);

    // The event is handled and acked: the notice is recorded, whatever SMTP does.
    await waitFor('PedidoCriado handled', async () => ((await stats()).handled === 1 ? true : undefined));
    expect(await listed(orderId)).toMatchObject([{ notice: 'received', status: 'pending', sentAt: null }]);

    // The send fails, again and again, each time after a longer back-off; nothing goes to the DLQ.
    const failing = await waitFor('the send retried by the sweep', async () => {
      const row = await outboxRow(orderId);
      return row && row.attempts >= 3 ? row : undefined;
    });
    expect(failing.last_error).toMatch(/ECONNREFUSED/);
    expect(failing.sent_at).toBeNull();
    const after = await stats();
    expect(after).toMatchObject({ handled: 1, retried: 0, deadLettered: 0 });
    expect(await probe.messageCount(`${QUEUE}.dlq`)).toBe(0);

    // SMTP comes back on the same address: the same pooled transport delivers the e-mail once.
    sink = await startMailSink({ smtpPort, httpPort: 0 });
    const to = encodeURIComponent(order.data.customer.email);
    const mailbox = async () => (await (await fetch(`${sink!.webUrl}/api/messages?to=${to}`)).json()) as SinkMessage[];
    await waitFor('the order-received e-mail', async () => ((await mailbox()).length ? true : undefined));
    await waitFor('the notice marked sent', async () =>
      (await listed(orderId))[0]?.status === 'sent' ? true : undefined,
    );
    const inbox = await mailbox();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.headers['x-loja-notice']).toBe('received');
    expect(inbox[0]!.messageId).toBe(`<${orderId}.received@loja>`);
    expect((await outboxRow(orderId))!.attempts).toBeGreaterThanOrEqual(3);

    // The same event again, and the same fact under a new event id: nothing more is sent.
    await probe.publish('loja.events', PedidoCriado.routingKey, order);
    await probe.publish('loja.events', PedidoCriado.routingKey, { ...order, id: randomUUID() });
    await waitFor('both copies processed', async () => {
      const s = await stats();
      return s.handled + s.duplicates >= 3 ? s : undefined;
    });
    expect(await listed(orderId)).toHaveLength(1);
    expect(await mailbox()).toHaveLength(1);
  });
});
