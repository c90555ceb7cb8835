import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import {
  createEvent,
  PagamentoAprovado,
  PedidoCancelado,
  PedidoCriado,
  PedidoEnviado,
  type CancellationReason,
  type EventDefinition,
} from '@loja/contracts';
import { SAMPLE_CUSTOMER, sampleData } from '@loja/contracts/samples';
import { startMailSink, type MailSink, type SinkMessage } from '@loja/mail-sink';
import { Database, declareStoreTopology } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { NoticeDispatcher } from '../src/notifications/send-notices/notice-dispatcher.service';
import { pagamentoAprovado, pedidoCriado, type Order } from './order-events';

interface Listed {
  notice: string;
  status: 'sent' | 'pending';
  recipient: string;
  subject: string;
  messageId: string;
  sentAt: string | null;
}

interface ConsumerStats {
  handled: number;
  duplicates: number;
  retried: number;
  deadLettered: number;
}

/** A new order of Ana's, with an address of its own so each test reads only its e-mails. */
const newOrder = () =>
  pedidoCriado({ id: SAMPLE_CUSTOMER.id, name: SAMPLE_CUSTOMER.name, mailbox: 'ana' }, [
    { sku: 'CAMISETA-BASICA-M', name: 'Camiseta Básica M', quantity: 2, unitPriceCents: 4990 },
    { sku: 'MEIA-ALGODAO-KIT3', name: 'Meias de Algodão (kit 3)', quantity: 1, unitPriceCents: 2990 },
  ]);

const pedidoEnviado = (order: Order) =>
  createEvent(
    PedidoEnviado,
    sampleData(PedidoEnviado, {
      orderId: order.data.orderId,
      shipmentId: randomUUID(),
      trackingCode: `BR${order.data.orderId.slice(0, 8).toUpperCase()}BR`,
      shippedAt: new Date().toISOString(),
    }),
    { source: 'logistics', correlationId: order.data.orderId, causationId: order.id },
  );

const pedidoCancelado = (order: Order, reason: CancellationReason) =>
  createEvent(
    PedidoCancelado,
    { orderId: order.data.orderId, reason },
    { source: 'orders', correlationId: order.data.orderId, causationId: order.id },
  );

describe('notifications on real PostgreSQL, RabbitMQ and SMTP', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let sink: MailSink;
  let app: INestApplication | undefined;
  let baseUrl: string;
  let env: Record<string, string>;
  let database: Database;

  let published = 0;
  const publish = async (definition: EventDefinition, event: { id: string }) => {
    await probe.publish('loja.events', definition.routingKey, event);
    published++;
  };

  /** What the customer of `order` finds in their mailbox, newest first, read from the sink's API. */
  const inbox = async (order: Order): Promise<SinkMessage[]> => {
    const to = encodeURIComponent(order.data.customer.email);
    return (await (await fetch(`${sink.webUrl}/api/messages?to=${to}`)).json()) as SinkMessage[];
  };
  const ofNotice = (messages: SinkMessage[], notice: string) =>
    messages.filter((m) => m.headers['x-loja-notice'] === notice);
  const waitForInbox = (order: Order, count: number) =>
    waitFor(`${count} e-mail(s) for order ${order.data.orderId}`, async () => {
      const messages = await inbox(order);
      return messages.length >= count ? messages : undefined;
    });

  const listed = async (orderId: string): Promise<Listed[]> =>
    (await (await fetch(`${baseUrl}/notifications?orderId=${orderId}`)).json()) as Listed[];
  /** Waits until `count` notices of the order are listed, all of them sent. */
  const waitForSent = (orderId: string, count: number) =>
    waitFor(`${count} notice(s) of order ${orderId} marked sent`, async () => {
      const notices = await listed(orderId);
      return notices.length === count && notices.every((n) => n.status === 'sent') ? notices : undefined;
    });

  const stats = async (): Promise<ConsumerStats> => {
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as { details: { consumers: ConsumerStats } };
    return health.details.consumers;
  };
  /** Waits until every message published so far is finished with: handled, a duplicate, or dead-lettered. */
  const settled = () =>
    waitFor(`all ${published} published messages processed`, async () => {
      const s = await stats();
      return s.handled + s.duplicates + s.deadLettered >= published ? s : undefined;
    });

  beforeAll(async () => {
    ns = await TestNamespace.create('notifications');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    sink = await startMailSink({ smtpPort: 0, httpPort: 0 });
    const databaseUrl = await ns.database('notifications', join(__dirname, '..'));
    env = {
      DATABASE_URL: databaseUrl,
      RABBITMQ_URL: ns.rabbitmqUrl,
      SMTP_URL: sink.smtpUrl,
      MAIL_FROM: 'Loja <pedidos@loja.example>',
      MESSAGING_RETRY_INITIAL_DELAY_MS: '100',
      NOTIFICATIONS_SWEEP_INTERVAL_MS: '100',
    };
    const started = await startServiceForTest(async () => (await import('../src/app.module')).AppModule, {
      service: 'notifications',
      defaultPort: 0,
      env,
    });
    app = started.app;
    baseUrl = started.baseUrl;
    database = app.get(Database);
  });

  /**
   * Unsent "received" e-mails for these orders, as the handler records them, with a lease that ends
   * `leaseMs` from now (negative: over already).
   */
  const insertUnsent = (orderIds: string[], leaseMs: number) =>
    database.query<{ order_id: string; claimed_until: Date }>(
      `INSERT INTO notification (id, order_id, notice, event_id, recipient, recipient_name, subject, text, html,
         headers, message_id, claimed_until)
       SELECT gen_random_uuid(), o, 'received', gen_random_uuid(), 'ana.' || left(o::text, 8) || '@example.com',
         'Ana Souza', 'Recebemos seu pedido', 'Olá, Ana!', '<p>Olá, Ana!</p>',
         jsonb_build_object('X-Loja-Order-Id', o::text, 'X-Loja-Notice', 'received'),
         '<' || o::text || '.received@loja>', clock_timestamp() + $2::int * interval '1 millisecond'
       FROM unnest($1::uuid[]) AS o
       RETURNING order_id::text, claimed_until`,
      [orderIds, leaseMs],
    );

  // Each test starts with nothing in flight, and its own late copies would have been counted.
  afterEach(async () => {
    await settled();
  });

  afterAll(async () => {
    await app?.close();
    await probe?.close();
    await sink?.close();
    await ns?.dispose();
  });

  it('e-mails the customer when the order is received, paid and shipped, and lists what was sent', async () => {
    const order = newOrder();
    const { orderId } = order.data;
    await publish(PedidoCriado, order);
    await publish(PagamentoAprovado, pagamentoAprovado(order));
    const shipped = pedidoEnviado(order);
    await publish(PedidoEnviado, shipped);

    const messages = await waitForInbox(order, 3);
    for (const message of messages) {
      expect(message.from).toContain('pedidos@loja.example');
      expect(message.to).toEqual([order.data.customer.email]);
      expect(message.headers['x-loja-order-id']).toBe(orderId);
      expect(message.text).toBeTruthy();
      expect(message.html).toContain('<html');
    }

    const [received] = ofNotice(messages, 'received');
    expect(received!.messageId).toBe(`<${orderId}.received@loja>`);
    expect(received!.subject).toMatch(/^Recebemos seu pedido #[0-9A-F]{8}$/);
    expect(received!.text).toContain('Olá, Ana!');
    expect(received!.text).toContain('2 x Camiseta Básica M (R$ 49,90 cada): R$ 99,80');
    expect(received!.text).toContain('Total: R$ 129,70');
    expect(received!.html).toContain('R$ 129,70');

    const [paid] = ofNotice(messages, 'paid');
    expect(paid!.messageId).toBe(`<${orderId}.paid@loja>`);
    expect(paid!.text).toContain('O pagamento de R$ 129,70');

    const [sent] = ofNotice(messages, 'shipped');
    expect(sent!.messageId).toBe(`<${orderId}.shipped@loja>`);
    expect(sent!.subject).toMatch(/foi enviado$/);
    for (const part of [sent!.text, sent!.html]) {
      expect(part).toContain('Correios');
      expect(part).toContain(shipped.data.trackingCode);
    }

    const response = await fetch(`${baseUrl}/notifications?orderId=${orderId}`);
    expect(response.status).toBe(200);
    // marked sent just after the SMTP server accepted each e-mail
    const notices = await waitForSent(orderId, 3);
    expect(notices.map((n) => n.notice).sort()).toEqual(['paid', 'received', 'shipped']);
    for (const n of notices) {
      expect(n.recipient).toBe(order.data.customer.email);
      expect(n.subject).toBe(messages.find((m) => m.headers['x-loja-notice'] === n.notice)!.subject);
      expect(n.messageId).toBe(`<${orderId}.${n.notice}@loja>`);
      expect(Date.parse(n.sentAt!)).not.toBeNaN();
    }
  });

  it.each([
    ['OUT_OF_STOCK', 'um ou mais itens do seu pedido esgotaram antes que pudéssemos reservá-los'],
    ['PAYMENT_REJECTED', 'o pagamento não foi aprovado pela operadora do cartão'],
  ] as const)('tells the customer an order was cancelled (%s) in plain words', async (reason, words) => {
    const order = newOrder();
    await publish(PedidoCriado, order);
    await publish(PedidoCancelado, pedidoCancelado(order, reason));

    const messages = await waitForInbox(order, 2);
    const [cancelled] = ofNotice(messages, 'cancelled');
    expect(cancelled!.subject).toMatch(/foi cancelado$/);
    expect(cancelled!.messageId).toBe(`<${order.data.orderId}.cancelled@loja>`);
    expect(cancelled!.text).toContain(words);
    expect(cancelled!.html).toContain(words);
    expect(`${cancelled!.text}${cancelled!.html}`).not.toContain(reason);
  });

  it('sends one e-mail per notice, whatever is redelivered or published again under a new event id', async () => {
    const order = newOrder();
    await publish(PedidoCriado, order);
    await publish(PedidoCriado, order);
    await publish(PedidoCriado, order);
    // the same payment approval twice, as a producer that lost its confirm would publish it
    const paid = pagamentoAprovado(order);
    await publish(PagamentoAprovado, paid);
    await publish(PagamentoAprovado, { ...paid, id: randomUUID() });

    await settled();
    await waitForSent(order.data.orderId, 2);
    const messages = await inbox(order);
    expect(ofNotice(messages, 'received')).toHaveLength(1);
    expect(ofNotice(messages, 'paid')).toHaveLength(1);
    expect(messages).toHaveLength(2);
  });

  it('sends the payment e-mail exactly once when PagamentoAprovado arrives before PedidoCriado', async () => {
    const before = await stats();
    const order = newOrder();
    await publish(PagamentoAprovado, pagamentoAprovado(order));
    // the contact is not known yet: the handler fails and the message waits in a retry queue
    await waitFor('PagamentoAprovado retried', async () =>
      (await stats()).retried > before.retried ? true : undefined,
    );
    expect(await inbox(order)).toEqual([]);

    await publish(PedidoCriado, order);
    const messages = await waitForInbox(order, 2);
    await settled();
    expect(ofNotice(messages, 'received')).toHaveLength(1);
    expect(ofNotice(messages, 'paid')).toHaveLength(1);
    expect(await inbox(order)).toHaveLength(2);
  });

  it('sends, once, an e-mail whose process stopped between the commit and the send, when its lease runs out', async () => {
    const order = newOrder();
    const { orderId } = order.data;
    // The handler commits the notice, then the process "dies" before the after-commit send.
    const dispatcher = app!.get(NoticeDispatcher);
    const lost = vi.spyOn(dispatcher, 'dispatch').mockImplementation(() => undefined);
    try {
      await publish(PedidoCriado, order);
      await settled();
      await waitFor('the notice recorded', async () => ((await listed(orderId)).length === 1 ? true : undefined));
    } finally {
      lost.mockRestore();
    }
    const [pending] = await listed(orderId);
    expect(pending).toMatchObject({ notice: 'received', status: 'pending', sentAt: null });
    expect(await inbox(order)).toEqual([]);

    // Its lease runs out (60 s by default; shortened here): the sweep claims it and sends it.
    await database.execute(
      "UPDATE notification SET claimed_until = clock_timestamp() - interval '1 second' WHERE order_id = $1::uuid",
      [orderId],
    );
    const [mail] = await waitForInbox(order, 1);
    expect(mail!.messageId).toBe(`<${orderId}.received@loja>`);
    expect(mail!.text).toContain('Olá, Ana!');
    await waitForSent(orderId, 1);
    expect(await inbox(order)).toHaveLength(1);
  });

  it('leaves an e-mail alone while another process holds its lease', async () => {
    const order = newOrder();
    const { orderId } = order.data;
    const [row] = await insertUnsent([orderId], 1500);
    const [mail] = await waitForInbox(order, 1);
    expect(Date.parse(mail!.receivedAt)).toBeGreaterThanOrEqual(row!.claimed_until.getTime());
    await waitForSent(orderId, 1);
    expect(await inbox(order)).toHaveLength(1);
  });

  it('has two replicas sweeping the same unsent e-mails send each of them once', async () => {
    const orders = Array.from({ length: 40 }, () => newOrder());
    const replica = await startServiceForTest(async () => (await import('../src/app.module')).AppModule, {
      service: 'notifications',
      defaultPort: 0,
      env,
    });
    try {
      // as a crash of a third replica leaves them: recorded, unsent, lease over
      await insertUnsent(
        orders.map((o) => o.data.orderId),
        -1000,
      );
      const ids = new Set(orders.map((o) => `<${o.data.orderId}.received@loja>`));
      const mine = () => sink.messages().filter((m) => ids.has(m.messageId!));
      await waitFor('every swept e-mail sent', () => mine().length >= orders.length);
      await waitFor('every swept e-mail marked sent', async () => {
        const [{ unsent }] = (await database.query<{ unsent: bigint }>(
          'SELECT count(*) AS unsent FROM notification WHERE order_id = ANY($1::uuid[]) AND sent_at IS NULL',
          [orders.map((o) => o.data.orderId)],
        )) as [{ unsent: bigint }];
        return unsent === 0n;
      });
      expect(mine()).toHaveLength(orders.length);
      expect(new Set(mine().map((m) => m.messageId)).size).toBe(orders.length);
    } finally {
      await replica.app.close();
    }
  });

  it('rejects a bad query with field errors', async () => {
    for (const [query, field] of [
      ['', 'orderId'],
      ['?orderId=not-a-uuid', 'orderId'],
      [`?orderId=${randomUUID()}&extra=1`, 'extra'],
    ]) {
      const response = await fetch(`${baseUrl}/notifications${query}`);
      expect(response.status).toBe(400);
      const body = (await response.json()) as { code: string; errors: Array<{ field: string }> };
      expect(body.code).toBe('INVALID_REQUEST');
      expect(body.errors.map((e) => e.field)).toEqual([field]);
    }
    const none = await fetch(`${baseUrl}/notifications?orderId=${randomUUID()}`);
    expect(await none.json()).toEqual([]);
  });
});
