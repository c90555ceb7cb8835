import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, PedidoCriado, type DataOf } from '@loja/contracts';
import { startMailSink, type MailSink, type SinkMessage } from '@loja/mail-sink';
import { declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const QUEUE = 'notifications.email-customer';

function pedidoCriado() {
  const orderId = randomUUID();
  const data: DataOf<typeof PedidoCriado> = {
    orderId,
    customer: { id: 'c-2', name: 'Bruno Lima', email: `bruno.${orderId.slice(0, 8)}@example.com` },
    lines: [{ sku: 'BONE-EDICAO-LIMITADA', name: 'Boné Edição Limitada', quantity: 1, unitPriceCents: 8990 }],
    totalCents: 8990,
    currency: 'BRL',
    shippingAddress: {
      street: 'Rua da Aurora',
      number: '5',
      city: 'Recife',
      state: 'PE',
      postalCode: '50050-000',
      country: 'BR',
    },
    payment: { method: 'card', cardToken: 'tok_visa' },
  };
  return createEvent(PedidoCriado, data, { source: 'orders', correlationId: orderId });
}

/** A port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Its own file: the service runs with MESSAGING_RETRY_ATTEMPTS=2 and an SMTP server that is not there.
describe('notifications when the SMTP server is down', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let app: INestApplication | undefined;
  let baseUrl: string;
  let smtpPort: number;
  let sink: MailSink | undefined;

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
        MESSAGING_RETRY_ATTEMPTS: '2',
        MESSAGING_RETRY_INITIAL_DELAY_MS: '100',
      },
    });
    app = started.app;
    baseUrl = started.baseUrl;
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await sink?.close();
    await ns?.dispose();
  });

  it('dead-letters the event after the retries, sends nothing, and sends it once replayed with SMTP back', async () => {
    const order = pedidoCriado();
    await probe.publish('loja.events', PedidoCriado.routingKey, order);

    const dead = await waitFor('PedidoCriado in the DLQ', async () => {
      const messages = await probe.peek(`${QUEUE}.dlq`);
      return messages.find((m) => (JSON.parse(m.content.toString()) as { id: string }).id === order.id);
    });
    const headers = dead.properties.headers ?? {};
    expect(headers['x-loja-dead-letter-reason']).toBe('retries-exhausted');
    expect(headers['x-loja-dead-letter-attempts']).toBe(2);
    expect(String(headers['x-loja-dead-letter-error'])).toMatch(/ECONNREFUSED/);

    const listed = await fetch(`${baseUrl}/notifications?orderId=${order.data.orderId}`);
    expect(await listed.json()).toEqual([]);

    // SMTP comes back on the same address: the same pooled transport delivers again, and a replay of
    // the dead-lettered event (as `npm run dlq replay` does) e-mails the customer once.
    sink = await startMailSink({ smtpPort, httpPort: 0 });
    await probe.purge(`${QUEUE}.dlq`);
    await probe.publish('loja.events', PedidoCriado.routingKey, dead.content);
    const inbox = await waitFor('the order-received e-mail', async () => {
      const to = encodeURIComponent(order.data.customer.email);
      const messages = (await (await fetch(`${sink!.webUrl}/api/messages?to=${to}`)).json()) as SinkMessage[];
      return messages.length ? messages : undefined;
    });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]!.headers['x-loja-notice']).toBe('received');
    expect(inbox[0]!.messageId).toBe(`<${order.data.orderId}.received@loja>`);
    await waitFor('the notification listed', async () => {
      const body = (await (await fetch(`${baseUrl}/notifications?orderId=${order.data.orderId}`)).json()) as unknown[];
      return body.length === 1;
    });
  });
});
