import { randomBytes, randomUUID } from 'node:crypto';
import { BrokerProbe, waitFor } from '@loja/messaging/testing';
import { RabbitManagement, SERVICES, type Service } from '@loja/provisioning';
import { dropStore, startStore, type RunningStore } from '@loja/store-runner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartPostgres, restartRabbitMq } from './chaos/infrastructure';
import { makePoison, type Poison } from './chaos/poison';
import { orderRequest, StoreClient, type OrderView } from './store-client';

/**
 * Breaks the store on purpose while orders keep coming: every service killed with SIGKILL and
 * restarted, RabbitMQ and PostgreSQL restarted, delivered events published again, poison messages
 * sent to the routing keys the services consume. Then checks that nothing was lost, nothing happened
 * twice, nothing was oversold, and that the DLQs hold exactly the poison.
 */
const DRIVE_MS = Number(process.env.CHAOS_DRIVE_MS ?? 40_000);
// Close to the store's sustainable rate (docs/bench/results.md): the chaos must hit a busy store.
const ORDERS_PER_SECOND = Number(process.env.CHAOS_ORDERS_PER_SECOND ?? 80);
const t0 = Date.now();
const progress = (line: string) => console.log(`[chaos +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}`);

/** `cancelled`: an order its customer asks to cancel right after placing it (ADR 9). */
type Intent = 'ships' | 'out-of-stock' | 'payment-rejected' | 'scarce' | 'cancelled';

interface Accepted {
  id: string;
  intent: Intent;
  items: Array<{ sku: string; quantity: number }>;
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)]!;
}

function orderFor(intent: Intent) {
  switch (intent) {
    case 'ships':
    case 'cancelled':
      return orderRequest([
        {
          sku: pick(['CAMISETA-BASICA-P', 'CAMISETA-BASICA-M', 'MEIA-ALGODAO-KIT3']),
          quantity: 1 + Math.floor(Math.random() * 2),
        },
      ]);
    case 'out-of-stock':
      return orderRequest([
        { sku: 'CALCA-JEANS-42', quantity: 1 },
        { sku: 'JAQUETA-COURO-M', quantity: 500 },
      ]);
    case 'payment-rejected':
      return orderRequest(
        [{ sku: 'CAMISETA-BASICA-G', quantity: 1 }],
        pick(['tok_declined', 'tok_insufficient_funds']),
      );
    case 'scarce':
      return orderRequest([{ sku: 'BONE-EDICAO-LIMITADA', quantity: 1 }]);
  }
}

/** `work` for every item, at most 50 at a time (thousands of orders are checked at the end). */
async function inChunks<T, R>(items: T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 50) results.push(...(await Promise.all(items.slice(i, i + 50).map(work))));
  return results;
}

describe('failure injection: the store under kills, restarts, duplicates and poison', () => {
  let store: RunningStore;
  let client: StoreClient;
  const management = new RabbitManagement(process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672');
  const counts = {
    kills: 0,
    serviceRestarts: 0,
    rabbitmqRestarts: 0,
    postgresRestarts: 0,
    duplicatesInjected: 0,
    poisonMessages: 0,
    postRetries: 0,
    refusals: 0,
  };

  beforeAll(async () => {
    store = await startStore({
      namespace: `chaos${randomBytes(3).toString('hex')}`,
      ports: { orders: 0, inventory: 0, payments: 0, logistics: 0, notifications: 0 },
      // Every e-mail of the run is checked: keep them all.
      mailSink: { smtpPort: 0, httpPort: 0, capacity: 100_000 },
      // Enough retries to outlast a restart of either server: 0.2 + 0.4 + ... capped at 4 s ≈ 25 s.
      env: {
        MESSAGING_RETRY_INITIAL_DELAY_MS: '200',
        MESSAGING_RETRY_MULTIPLIER: '2',
        MESSAGING_RETRY_MAX_DELAY_MS: '4000',
        MESSAGING_RETRY_ATTEMPTS: '10',
        OUTBOX_SWEEP_INTERVAL_MS: '1000',
      },
      serviceEnv: { logistics: { SHIPPING_DELAY_MS: '0' } },
    });
    client = new StoreClient({ orders: store.service('orders').url, inventory: store.service('inventory').url });
    await client.catalogueReplicated();
  });

  afterAll(async () => {
    await store?.stop();
    if (store) await dropStore(store.namespace);
  });

  it(
    'loses nothing, doubles nothing, oversells nothing, and dead-letters exactly the poison',
    { timeout: 600_000 },
    async () => {
      // Enough stock for every order meant to ship (or to be charged) at the rate driven: only
      // 'out-of-stock' and 'scarce' orders are meant to find none.
      const planned = Math.ceil((ORDERS_PER_SECOND * DRIVE_MS) / 1000);
      for (const sku of ['CAMISETA-BASICA-P', 'CAMISETA-BASICA-M', 'MEIA-ALGODAO-KIT3', 'CAMISETA-BASICA-G']) {
        await client.restock(sku, Math.min(10_000, 2 * planned));
      }
      const initialStock = await client.stock();
      const accepted: Accepted[] = [];
      const poisons: Poison[] = [];
      let probe = await BrokerProbe.connect(store.rabbitmqUrl);
      const tap = await probe.tap('loja.events', '#');

      /**
       * POST as a careful client would: on a network error, or a 503 while Orders is behind, retry with
       * the same Idempotency-Key (after the Retry-After the store asked for).
       */
      async function place(intent: Intent): Promise<void> {
        const key = randomUUID();
        const body = orderFor(intent);
        const deadline = Date.now() + 60_000;
        for (;;) {
          try {
            const { status, order, retryAfterSeconds } = await client.placeOrder(body, { 'idempotency-key': key });
            if (status === 503 && Date.now() < deadline) {
              counts.refusals++;
              await new Promise((resolve) => setTimeout(resolve, 1000 * (retryAfterSeconds ?? 1)));
              continue;
            }
            if (status === 201) accepted.push({ id: order.id, intent, items: body.items });
            if (status === 201 && intent === 'cancelled') await cancel(order.id, deadline);
            return;
          } catch {
            if (Date.now() > deadline) return;
            counts.postRetries++;
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      }

      /** Asks to cancel, retrying through network errors: a repeated request changes nothing. */
      async function cancel(orderId: string, deadline: number): Promise<void> {
        for (;;) {
          try {
            const { status } = await client.cancel(orderId);
            if ([200, 202, 409].includes(status)) return;
          } catch {
            // Orders is being killed or restarted: ask again
          }
          if (Date.now() > deadline) return;
          counts.postRetries++;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }

      // --- the chaos schedule, spread over the drive ---
      const started = Date.now();
      const at = (fraction: number) => started + fraction * DRIVE_MS;
      const schedule: Array<{ when: number; action: () => Promise<void> }> = [];
      const shuffled = [...SERVICES].sort(() => Math.random() - 0.5);
      shuffled.forEach((service: Service, i) => {
        schedule.push({
          when: at(0.08 + i * 0.16 + Math.random() * 0.06),
          action: async () => {
            progress(`kill -9 ${service}`);
            await store.kill(service, 'SIGKILL');
            counts.kills++;
            await store.restart(service);
            counts.serviceRestarts++;
            progress(`${service} restarted and healthy`);
          },
        });
      });
      schedule.push({
        when: at(0.3 + Math.random() * 0.1),
        action: async () => {
          progress('restarting RabbitMQ');
          await probe.close();
          await restartRabbitMq(process.env.RABBITMQ_MANAGEMENT_URL ?? 'http://guest:guest@127.0.0.1:15672');
          counts.rabbitmqRestarts++;
          probe = await BrokerProbe.connect(store.rabbitmqUrl);
        },
      });
      schedule.push({
        when: at(0.6 + Math.random() * 0.1),
        action: async () => {
          progress('restarting PostgreSQL');
          await restartPostgres();
          counts.postgresRestarts++;
          progress('PostgreSQL back');
        },
      });
      schedule.push({
        when: at(0.5),
        action: async () => {
          progress('republishing delivered events');
          // republish events that were already delivered: same envelope, same id, several times
          for (const message of tap.messages.slice(0, 15)) {
            for (let copy = 0; copy < 3; copy++) {
              await probe.publish('loja.events', message.routingKey, JSON.stringify(message.body), {
                messageId: message.body.id,
                type: message.body.type,
              });
              counts.duplicatesInjected++;
            }
          }
        },
      });
      schedule.push({
        when: at(0.75),
        action: async () => {
          const kinds: Poison['kind'][] = ['not-json', 'wrong-schema', 'unknown-type', 'huge-body'];
          const keys = ['pedido.criado', 'estoque.reservado', 'pagamento.aprovado', 'produto.atualizado'];
          progress('publishing poison');
          kinds.forEach((kind, i) => poisons.push(makePoison(kind, keys[i % keys.length]!, i)));
          for (const poison of poisons) {
            await probe.publish('loja.events', poison.routingKey, poison.body, { messageId: poison.messageId });
            counts.poisonMessages++;
          }
        },
      });
      schedule.sort((a, b) => a.when - b.when);

      const chaos = (async () => {
        for (const step of schedule) {
          const wait = step.when - Date.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          await step.action();
        }
      })();
      // Its failure fails the test where it is awaited, after the drive; until then it is not unhandled.
      chaos.catch(() => undefined);

      // --- the steady stream of orders, open loop ---
      const inFlight: Array<Promise<void>> = [];
      const intents: Intent[] = [
        'ships',
        'ships',
        'ships',
        'ships',
        'out-of-stock',
        'payment-rejected',
        'scarce',
        'cancelled',
      ];
      for (let n = 0; Date.now() - started < DRIVE_MS; n++) {
        inFlight.push(place(pick(intents)));
        const next = started + ((n + 1) * 1000) / ORDERS_PER_SECOND;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
      }
      await Promise.all(inFlight);
      progress(`drive over: ${accepted.length} orders accepted`);
      await chaos;
      progress('chaos schedule done; settling');

      // --- settle, then check every promise the store makes ---
      const settled = await inChunks(accepted, (order) => client.settled(order.id, 180_000));
      const byId = new Map(settled.map((o) => [o.id, o]));
      progress('every order settled');

      // every accepted order is final
      expect(settled.every((o) => o.status === 'SHIPPED' || o.status === 'CANCELLED')).toBe(true);
      // intents that cannot succeed did not
      for (const order of accepted) {
        const final = byId.get(order.id)!;
        if (order.intent === 'out-of-stock')
          expect(final).toMatchObject({ status: 'CANCELLED', cancellationReason: 'OUT_OF_STOCK' });
        if (order.intent === 'payment-rejected')
          expect(final).toMatchObject({ status: 'CANCELLED', cancellationReason: 'PAYMENT_REJECTED' });
        if (order.intent === 'ships') expect(final.status).toBe('SHIPPED');
        // cancelled in time, or shipped first and the cancellation refused: never anything else
        if (order.intent === 'cancelled' && final.status !== 'SHIPPED')
          expect(final).toMatchObject({ status: 'CANCELLED', cancellationReason: 'CUSTOMER_CANCELLED' });
      }

      // stock = initial − shipped, for every SKU (no oversell, no leak)
      const shippedQuantity = new Map<string, number>();
      for (const order of accepted) {
        if (byId.get(order.id)!.status !== 'SHIPPED') continue;
        for (const item of order.items)
          shippedQuantity.set(item.sku, (shippedQuantity.get(item.sku) ?? 0) + item.quantity);
      }
      const finalStock = await client.stock();
      for (const [sku, initial] of initialStock) {
        expect({ sku, stock: finalStock.get(sku) }).toEqual({ sku, stock: initial - (shippedQuantity.get(sku) ?? 0) });
      }
      expect(byId.size).toBe(accepted.length);
      expect(
        settled.filter((o) => o.status === 'SHIPPED' && o.lines.some((l) => l.sku === 'BONE-EDICAO-LIMITADA')).length,
      ).toBeLessThanOrEqual(10);

      // a customer's cancellation is over once Payments settled it, or Logistics refused it
      const stepped = (o: OrderView, type: string) => o.timeline.some((step) => step.type === type);
      const finals = await inChunks(settled, (o) =>
        waitFor(
          `cancellation of ${o.id} settled`,
          async () => {
            const now = await client.order(o.id);
            if (now.cancellationReason === 'CUSTOMER_CANCELLED')
              return stepped(now, 'PagamentoEstornado') || stepped(now, 'PagamentoCancelado') ? now : undefined;
            if (now.cancellationRequestedAt && now.status === 'SHIPPED')
              return stepped(now, 'CancelamentoRecusado') ? now : undefined;
            return now;
          },
          { timeoutMs: 120_000 },
        ),
      );

      // exactly one payment per order that reached payment
      const approved = new Set<string>();
      const paymentsUrl = store.service('payments').url;
      let payments = 0;
      for (const order of finals) {
        const list = (await (await fetch(`${paymentsUrl}/payments?orderId=${order.id}`)).json()) as Array<{
          status: string;
          refundedAt: string | null;
        }>;
        payments += list.length;
        // A customer's cancellation either beat the charge (none) or was refunded (one, refunded once).
        const charged = list.some((p) => p.status === 'APPROVED');
        if (charged) approved.add(order.id);
        const expected =
          order.status === 'SHIPPED' || order.cancellationReason === 'PAYMENT_REJECTED' || charged ? 1 : 0;
        expect({ order: order.id, payments: list.length }).toEqual({ order: order.id, payments: expected });
        const refunded = order.cancellationReason === 'CUSTOMER_CANCELLED' && charged;
        expect({ order: order.id, refunded: list.some((p) => p.refundedAt !== null) }).toEqual({
          order: order.id,
          refunded,
        });
      }

      // exactly one e-mail per (order, notice), and the right notices
      const expectedNotices = (o: OrderView) =>
        (o.status === 'SHIPPED'
          ? ['paid', 'received', 'shipped', ...(stepped(o, 'CancelamentoRecusado') ? ['cancellation_refused'] : [])]
          : ['cancelled', 'received', ...(approved.has(o.id) ? ['paid'] : [])]
        ).sort();
      /** The e-mails the sink received, by order. */
      const mailsByOrder = () => {
        const byOrder = new Map<string, ReturnType<NonNullable<typeof store.mailSink>['messages']>>();
        for (const mail of store.mailSink!.messages()) {
          const orderId = String(mail.headers['x-loja-order-id']);
          byOrder.set(orderId, [...(byOrder.get(orderId) ?? []), mail]);
        }
        return byOrder;
      };
      await waitFor(
        'every e-mail sent',
        () => {
          const byOrder = mailsByOrder();
          const missing = finals.flatMap((o) => {
            const sent = new Set((byOrder.get(o.id) ?? []).map((m) => m.headers['x-loja-notice']));
            const lacking = expectedNotices(o).filter((notice) => !sent.has(notice));
            return lacking.length ? [{ order: o.id, status: o.status, lacking }] : [];
          });
          // Thrown, so a timeout names what is missing.
          if (missing.length)
            throw new Error(`${missing.length} orders lack e-mails: ${JSON.stringify(missing.slice(0, 3))}`);
          return true;
        },
        { timeoutMs: 120_000, intervalMs: 500 },
      );
      const mails = store.mailSink!.messages();
      const byOrder = mailsByOrder();
      let resent = 0;
      for (const order of finals) {
        const mine = byOrder.get(order.id) ?? [];
        const distinct = new Map(mine.map((m) => [m.messageId, m.headers['x-loja-notice']]));
        resent += mine.length - distinct.size;
        expect({ order: order.id, notices: [...distinct.values()].sort() }).toEqual({
          order: order.id,
          notices: expectedNotices(order),
        });
      }

      // every poison message in the DLQs it must be in, with its reason; nothing else in any DLQ
      const dlqContents = await waitFor(
        'poison dead-lettered',
        async () => {
          const dlqs = (await management.queues(store.namespace)).filter((q) => q.name.endsWith('.dlq'));
          const contents = new Map<string, Array<{ messageId: string; reason: unknown }>>();
          for (const dlq of dlqs) {
            contents.set(
              dlq.name,
              (await probe.peek(dlq.name)).map((m) => ({
                messageId: String(m.properties.messageId),
                reason: m.properties.headers?.['x-loja-dead-letter-reason'],
              })),
            );
          }
          const expectedTotal = poisons.reduce((sum, p) => sum + p.expectedDlqs.length, 0);
          const total = [...contents.values()].reduce((sum, list) => sum + list.length, 0);
          return total >= expectedTotal ? contents : undefined;
        },
        { timeoutMs: 60_000 },
      );
      for (const poison of poisons) {
        for (const dlq of poison.expectedDlqs) {
          const found = dlqContents.get(dlq)?.find((m) => m.messageId === poison.messageId);
          expect({ poison: poison.messageId, dlq, found: Boolean(found) }).toEqual({
            poison: poison.messageId,
            dlq,
            found: true,
          });
          expect(found?.reason).toEqual(expect.any(String));
        }
      }
      const poisonIds = new Set(poisons.map((p) => p.messageId));
      const strangers = [...dlqContents].flatMap(([dlq, list]) =>
        list.filter((m) => !poisonIds.has(m.messageId)).map((m) => `${dlq}: ${m.messageId}`),
      );
      expect(strangers).toEqual([]);
      await probe.close();

      const table = [
        ['orders accepted', accepted.length],
        ['  shipped', settled.filter((o) => o.status === 'SHIPPED').length],
        ['  cancelled, out of stock', settled.filter((o) => o.cancellationReason === 'OUT_OF_STOCK').length],
        ['  cancelled, payment rejected', settled.filter((o) => o.cancellationReason === 'PAYMENT_REJECTED').length],
        ['orders lost', accepted.length - byId.size],
        ['POST retries (API down)', counts.postRetries],
        ['POSTs refused with 503 (Orders behind) and retried', counts.refusals],
        ['services killed (SIGKILL) and restarted', counts.kills],
        ['RabbitMQ restarts', counts.rabbitmqRestarts],
        ['PostgreSQL restarts', counts.postgresRestarts],
        ['duplicate events injected', counts.duplicatesInjected],
        ['poison messages published', counts.poisonMessages],
        ['messages in DLQs', [...dlqContents.values()].reduce((s, l) => s + l.length, 0)],
        ['payments recorded', payments],
        ['customer cancellations accepted', finals.filter((o) => o.cancellationReason === 'CUSTOMER_CANCELLED').length],
        ['customer cancellations refused', finals.filter((o) => stepped(o, 'CancelamentoRecusado')).length],
        ['e-mails sent', mails.length],
        ['  of which resent copies (same Message-ID)', resent],
      ];
      console.log(
        `\nfailure injection (${DRIVE_MS / 1000} s at ${ORDERS_PER_SECOND} orders/s)\n\n| what | count |\n| --- | ---: |\n${table.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`,
      );
    },
  );
});
