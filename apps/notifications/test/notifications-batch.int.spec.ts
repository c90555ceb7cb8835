import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { PagamentoAprovado, PedidoCriado } from '@loja/contracts';
import { startMailSink, type MailSink } from '@loja/mail-sink';
import { declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pagamentoAprovado, pedidoCriado } from './order-events';

interface ConsumerStats {
  handled: number;
  duplicates: number;
  retried: number;
  deadLettered: number;
  batches: number;
  batchRollbacks: number;
}

const newOrder = () =>
  pedidoCriado({ id: 'c-3', name: 'Carla Dias', mailbox: 'carla' }, [
    { sku: 'CANECA-LOJA', name: 'Caneca Loja', quantity: 3, unitPriceCents: 3500 },
  ]);

// Its own file: the events wait in the queue before the service starts, so they reach it together and
// are handled in batches; and the service is restarted.
describe('notifications handled in batches, and across a restart', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let sink: MailSink;
  let app: INestApplication | undefined;
  let baseUrl: string;
  let databaseUrl: string;

  const stats = async (): Promise<ConsumerStats> => {
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as { details: { consumers: ConsumerStats } };
    return health.details.consumers;
  };

  const start = async (env: Record<string, string> = {}) => {
    const started = await startServiceForTest(async () => (await import('../src/app.module')).AppModule, {
      service: 'notifications',
      defaultPort: 0,
      env: {
        DATABASE_URL: databaseUrl,
        RABBITMQ_URL: ns.rabbitmqUrl,
        SMTP_URL: sink.smtpUrl,
        MESSAGING_RETRY_INITIAL_DELAY_MS: '100',
        NOTIFICATIONS_SWEEP_INTERVAL_MS: '100',
        SMTP_MAX_CONNECTIONS: '5',
        ...env,
      },
    });
    app = started.app;
    baseUrl = started.baseUrl;
  };
  const messageIdsSent = (orders: Array<ReturnType<typeof pedidoCriado>>, notices: string[]) => {
    const wanted = new Set(orders.flatMap((o) => notices.map((n) => `<${o.data.orderId}.${n}@loja>`)));
    return sink
      .messages()
      .map((m) => m.messageId!)
      .filter((id) => wanted.has(id));
  };
  const allSent = (orders: Array<ReturnType<typeof pedidoCriado>>) =>
    Promise.all(
      orders.map((order) =>
        waitFor(`the notices of ${order.data.orderId} marked sent`, async () => {
          const listed = (await (
            await fetch(`${baseUrl}/notifications?orderId=${order.data.orderId}`)
          ).json()) as Array<{
            status: string;
          }>;
          return listed.length > 0 && listed.every((n) => n.status === 'sent');
        }),
      ),
    );

  beforeAll(async () => {
    ns = await TestNamespace.create('notifications_batch');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
    databaseUrl = await ns.database('notifications', join(__dirname, '..'));
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await sink?.close();
    await ns?.dispose();
  });

  it('sends no e-mail twice when a batch is rolled back and its messages are handled again', async () => {
    // Twelve new orders, and among them three payments of orders not known yet: their handlers fail
    // (no contact), which rolls back the batch they are in, with the other orders' notices; those are
    // recorded again when the batch runs again without the failed message.
    const known = Array.from({ length: 12 }, () => newOrder());
    const early = Array.from({ length: 3 }, () => newOrder());
    for (const [i, order] of known.entries()) {
      await probe.publish('loja.events', PedidoCriado.routingKey, order);
      if (i % 4 === 2)
        await probe.publish('loja.events', PagamentoAprovado.routingKey, pagamentoAprovado(early[i >> 2]!));
    }

    await start();

    await waitFor('a batch rolled back', async () => ((await stats()).batchRollbacks > 0 ? true : undefined));
    // now the early payments' orders arrive, and their retried payments find the contact
    for (const order of early) await probe.publish('loja.events', PedidoCriado.routingKey, order);

    const expected = [
      ...known.map((o) => `<${o.data.orderId}.received@loja>`),
      ...early.flatMap((o) => [`<${o.data.orderId}.received@loja>`, `<${o.data.orderId}.paid@loja>`]),
    ];
    const mine = () => messageIdsSent([...known, ...early], ['received', 'paid']);
    await waitFor('every e-mail sent', () => mine().length >= expected.length);
    await waitFor('every event handled', async () => {
      const s = await stats();
      return s.handled >= known.length + 2 * early.length ? s : undefined;
    });
    await allSent([...known, ...early]);

    expect(mine().sort()).toEqual(expected.sort());
    expect(await stats()).toMatchObject({ deadLettered: 0 });
  });

  it('sends every e-mail once across a graceful restart in the middle of sending', async () => {
    await app!.close();
    // one SMTP connection, so that e-mails queue up behind it
    await start({ SMTP_MAX_CONNECTIONS: '1' });
    const orders = Array.from({ length: 40 }, () => newOrder());
    for (const order of orders) await probe.publish('loja.events', PedidoCriado.routingKey, order);
    await waitFor('some e-mails sent', () => messageIdsSent(orders, ['received']).length >= 5);

    // Stops consuming, lets the sends in flight end and hands back the e-mails still waiting; what was
    // not consumed stays in the queue. The next process sends the rest, each once, long before the
    // 60 s lease of an e-mail that was not handed back would have ended.
    await app!.close();
    await start();
    await waitFor('every e-mail sent', () => messageIdsSent(orders, ['received']).length >= orders.length);
    await allSent(orders);
    const sent = messageIdsSent(orders, ['received']);
    expect(sent).toHaveLength(orders.length);
    expect(new Set(sent).size).toBe(orders.length);
  });
});
