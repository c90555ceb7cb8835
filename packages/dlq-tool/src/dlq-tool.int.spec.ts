import { randomUUID } from 'node:crypto';
import { createEvent, EVENTS_EXCHANGE, PedidoCriado, type EventOf } from '@loja/contracts';
import { sampleData } from '@loja/contracts/samples';
import { declareStoreTopology, Headers } from '@loja/messaging';
import { BrokerProbe, TestNamespace, waitFor } from '@loja/messaging/testing';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { run, type CliIo } from './run';

const h = Headers.deadLetter;
const QUEUE = 'inventory.reserve-stock';
const DLQ = `${QUEUE}.dlq`;
/** Another subscriber of pedido.criado: sees what is republished on the events exchange. */
const OTHER_SUBSCRIBER = 'payments.record-payment-details';
/** A queue of the test's own with a delivery limit of 1, to have the broker itself dead-letter a message. */
const FLAKY = 'dlq-tool-test.flaky';

function pedidoCriado(): EventOf<typeof PedidoCriado> {
  const orderId = randomUUID();
  return createEvent(
    PedidoCriado,
    sampleData(PedidoCriado, { orderId, lines: [{ sku: 'SKU-1', quantity: 2, name: 'Caneca', unitPriceCents: 1000 }] }),
    { source: 'orders', correlationId: orderId },
  );
}

describe('dlq tool on real RabbitMQ', () => {
  let ns: TestNamespace;
  let probe: BrokerProbe;
  let env: Record<string, string>;

  async function cli(argv: string[], options: { env?: Record<string, string>; stdin?: CliIo['stdin'] } = {}) {
    let stdout = '';
    let stderr = '';
    const code = await run(argv, {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      env: options.env ?? env,
      ...(options.stdin && { stdin: options.stdin }),
    });
    return { code, stdout, stderr };
  }

  /** Puts `event` in `queue`'s DLQ the way the messaging module does: default exchange, failure headers. */
  async function deadLetter(
    event: EventOf<typeof PedidoCriado>,
    { route = true, error = 'database unavailable' }: { route?: boolean; error?: string } = {},
  ) {
    await probe.publish('', DLQ, Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      type: event.type,
      correlationId: event.correlationId,
      timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      contentType: 'application/json',
      appId: 'orders',
      headers: {
        traceparent: `00-${event.correlationId.replace(/-/g, '')}-0123456789abcdef-01`,
        [Headers.attempt]: 5,
        [h.queue]: QUEUE,
        [h.reason]: 'retries-exhausted',
        [h.error]: error,
        [h.attempts]: 5,
        [h.at]: '2026-11-24T10:00:00.000Z',
        ...(route && { [h.exchange]: EVENTS_EXCHANGE, [h.routingKey]: 'pedido.criado' }),
      },
    });
  }

  const depthOf = (queue: string) => probe.messageCount(queue);
  /** A message's headers without the delivery count a quorum queue adds to every delivery. */
  const headersOf = (message: GetMessage) => {
    const { 'x-delivery-count': _count, ...headers } = message.properties.headers ?? {};
    return headers;
  };
  const waitForDepth = (queue: string, depth: number) =>
    waitFor(`${queue} to hold ${depth} messages`, async () => (await depthOf(queue)) === depth);

  beforeAll(async () => {
    ns = await TestNamespace.create('dlq_tool');
    await declareStoreTopology(ns.rabbitmqUrl);
    probe = await BrokerProbe.connect(ns.rabbitmqUrl);
    env = { RABBITMQ_URL: ns.rabbitmqUrl, RABBITMQ_MANAGEMENT_URL: ns.settings.rabbitmqManagementUrl };
  });

  afterAll(async () => {
    await probe?.close();
    await ns?.dispose();
  });

  beforeEach(async () => {
    for (const queue of [QUEUE, DLQ, OTHER_SUBSCRIBER]) await probe.purge(queue);
  });

  it('lists every DLQ of the vhost with its depth', async () => {
    await deadLetter(pedidoCriado());
    await deadLetter(pedidoCriado());
    const listed = await waitFor('list to show the DLQs', async () => {
      const result = await cli(['list']);
      return result.stdout.includes('payments.charge-order.dlq') && result;
    });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`Dead-letter queues in vhost "${ns.name}"`);
    expect(listed.stdout).toMatch(/inventory\.reserve-stock\.dlq\s+2\s+0\n/);
    expect(listed.stdout).toMatch(/payments\.charge-order\.dlq\s+0\s+0\n/);
    expect(listed.stdout).not.toMatch(/^inventory\.reserve-stock\s/m);

    const json = await cli(['list', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ vhost: ns.name });
    expect((JSON.parse(json.stdout) as { queues: unknown[] }).queues).toContainEqual({
      name: DLQ,
      messages: 2,
      consumers: 0,
    });
  });

  it('shows each message with its failure headers and body, and leaves them in the DLQ', async () => {
    const first = pedidoCriado();
    const second = pedidoCriado();
    await deadLetter(first, { error: 'connect ECONNREFUSED 127.0.0.1:5432' });
    await deadLetter(second);

    const shown = await cli(['show', DLQ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`${DLQ} (vhost "${ns.name}"): 2 messages, showing 2`);
    expect(shown.stdout.match(/^message id: /gm)).toHaveLength(2);
    expect(shown.stdout).toContain(`message id:     ${first.id}`);
    expect(shown.stdout).toContain(`message id:     ${second.id}`);
    expect(shown.stdout).toContain('event type:     PedidoCriado');
    expect(shown.stdout).toContain(`correlation id: ${first.correlationId} (order)`);
    expect(shown.stdout).toMatch(/x-loja-dead-letter-queue\s+inventory\.reserve-stock\n/);
    expect(shown.stdout).toMatch(/x-loja-dead-letter-reason\s+retries-exhausted\n/);
    expect(shown.stdout).toMatch(/x-loja-dead-letter-error\s+connect ECONNREFUSED 127\.0\.0\.1:5432\n/);
    expect(shown.stdout).toMatch(/x-loja-dead-letter-attempts\s+5\n/);
    expect(shown.stdout).toMatch(/x-loja-dead-lettered-at\s+2026-11-24T10:00:00\.000Z\n/);
    expect(shown.stdout).toMatch(/x-loja-original-exchange\s+loja\.events\n/);
    expect(shown.stdout).toMatch(/x-loja-original-routing-key\s+pedido\.criado\n/);
    expect(shown.stdout).toContain(`"orderId": "${first.data.orderId}"`);

    await waitForDepth(DLQ, 2);
    const again = await cli(['show', DLQ, '--limit', '1', '--json']);
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout) as { depth: number; messages: Array<Record<string, any>> };
    expect(json.depth).toBe(2);
    expect(json.messages).toHaveLength(1);
    expect(json.messages[0]).toMatchObject({
      messageId: first.id,
      type: 'PedidoCriado',
      correlationId: first.correlationId,
      failure: { [h.reason]: 'retries-exhausted', [h.attempts]: 5 },
      body: { id: first.id, data: { orderId: first.data.orderId } },
    });
    await waitForDepth(DLQ, 2);
  });

  it('shows a body that is not JSON as text', async () => {
    await probe.publish('', DLQ, 'not json at all', { headers: { [h.reason]: 'invalid-json' } });
    const shown = await cli(['show', DLQ]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('message id:     (none)');
    expect(shown.stdout).toContain('body (15 bytes):\n  not json at all');
  });

  it('replays to the original exchange and routing key: same id and body, fresh headers, DLQ emptied', async () => {
    const event = pedidoCriado();
    await deadLetter(event);
    const dead = (await probe.peek(DLQ))[0]!;

    const replayed = await cli(['replay', DLQ]);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toContain(
      `replayed  ${event.id} PedidoCriado order ${event.correlationId} -> loja.events / pedido.criado`,
    );
    expect(replayed.stdout).toContain(`1 message replayed from ${DLQ}`);

    await waitForDepth(QUEUE, 1);
    expect(await depthOf(DLQ)).toBe(0);
    const [copy] = await probe.peek(QUEUE);
    expect(copy!.content.equals(dead.content)).toBe(true);
    expect(copy!.fields.exchange).toBe('loja.events');
    expect(copy!.fields.routingKey).toBe('pedido.criado');
    expect(copy!.properties).toMatchObject({
      messageId: event.id,
      type: 'PedidoCriado',
      correlationId: event.correlationId,
      timestamp: dead.properties.timestamp,
      contentType: 'application/json',
      appId: 'orders',
      deliveryMode: 2,
    });
    expect(headersOf(copy!)).toEqual({ traceparent: dead.properties.headers!.traceparent });
    // Republished on the exchange, so every subscriber of pedido.criado gets it again (their inbox ignores it).
    await waitForDepth(OTHER_SUBSCRIBER, 1);
  });

  it('with --direct replays to the original queue only, keeping the original route in the headers', async () => {
    const event = pedidoCriado();
    await deadLetter(event);
    const result = await cli(['replay', DLQ, '--direct']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`-> queue ${QUEUE} (default exchange)`);
    await waitForDepth(QUEUE, 1);
    const [copy] = await probe.peek(QUEUE);
    expect(copy!.properties.messageId).toBe(event.id);
    expect(headersOf(copy!)).toEqual({
      traceparent: expect.any(String) as string,
      [h.exchange]: 'loja.events',
      [h.routingKey]: 'pedido.criado',
    });
    expect(await depthOf(OTHER_SUBSCRIBER)).toBe(0);
    expect(await depthOf(DLQ)).toBe(0);
  });

  it('leaves a message without an original route in the DLQ and says so', async () => {
    const routed = pedidoCriado();
    const unrouted = pedidoCriado();
    await deadLetter(routed);
    await deadLetter(unrouted, { route: false });

    const result = await cli(['replay', DLQ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`replayed  ${routed.id}`);
    expect(result.stdout).toContain(
      `left      ${unrouted.id} PedidoCriado order ${unrouted.correlationId}: no original route`,
    );
    expect(result.stdout).toContain('1 message left in the DLQ');
    await waitForDepth(QUEUE, 1);
    await waitForDepth(DLQ, 1);
    expect((await probe.peek(DLQ))[0]!.properties.messageId).toBe(unrouted.id);
  });

  it('replays only the message asked for with --id, and reports ids it did not find', async () => {
    const wanted = pedidoCriado();
    const other = pedidoCriado();
    await deadLetter(other);
    await deadLetter(wanted);

    const result = await cli(['replay', DLQ, '--id', wanted.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`replayed  ${wanted.id}`);
    expect(result.stdout).not.toContain(other.id);
    await waitForDepth(QUEUE, 1);
    await waitForDepth(DLQ, 1);
    expect((await probe.peek(QUEUE))[0]!.properties.messageId).toBe(wanted.id);
    expect((await probe.peek(DLQ))[0]!.properties.messageId).toBe(other.id);

    const missing = randomUUID();
    const notFound = await cli(['replay', DLQ, '--id', missing]);
    expect(notFound.code).toBe(1);
    expect(notFound.stdout).toContain(`Not found in ${DLQ}: ${missing}.`);
    await waitForDepth(DLQ, 1);
  });

  describe('a message the broker dead-lettered itself (x-death)', () => {
    let connection: ChannelModel;
    let channel: Channel;

    beforeAll(async () => {
      connection = await amqp.connect(ns.rabbitmqUrl);
      channel = await connection.createChannel();
      await channel.assertQueue(`${FLAKY}.dlq`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.assertQueue(FLAKY, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': 1,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': `${FLAKY}.dlq`,
        },
      });
      await channel.bindQueue(FLAKY, EVENTS_EXCHANGE, 'test.flaky');
    });

    afterAll(async () => {
      await connection?.close();
    });

    it('is shown with its x-death record and replayed to the route x-death names', async () => {
      const event = pedidoCriado();
      await probe.publish(EVENTS_EXCHANGE, 'test.flaky', event, { messageId: event.id, type: event.type });
      // A consumer that keeps failing: the broker moves the message to the DLQ after the delivery limit.
      await waitFor('the broker to dead-letter the message', async () => {
        const message: GetMessage | false = await channel.get(FLAKY, { noAck: false });
        if (message) channel.reject(message, true);
        return (await depthOf(`${FLAKY}.dlq`)) === 1;
      });

      const shown = await cli(['show', `${FLAKY}.dlq`]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('x-death (dead-lettered by the broker):');
      expect(shown.stdout).toMatch(
        /queue dlq-tool-test\.flaky, reason delivery_limit, count 1, at \S+, from loja\.events \/ test\.flaky/,
      );
      expect(shown.stdout).toContain('replays to:     loja.events / test.flaky');

      const replayed = await cli(['replay', `${FLAKY}.dlq`]);
      expect(replayed.code).toBe(0);
      expect(replayed.stdout).toContain(
        `replayed  ${event.id} PedidoCriado order ${event.correlationId} -> loja.events / test.flaky`,
      );
      const copy = await waitFor('the copy in the original queue', async () => (await probe.peek(FLAKY))[0]);
      expect(copy.properties.messageId).toBe(event.id);
      expect(headersOf(copy)).not.toHaveProperty('x-death');
      expect(await depthOf(`${FLAKY}.dlq`)).toBe(0);
    });
  });

  describe('purge', () => {
    beforeEach(async () => {
      await deadLetter(pedidoCriado());
      await deadLetter(pedidoCriado());
    });

    it('refuses without --yes when stdin is not a terminal', async () => {
      const result = await cli(['purge', DLQ], { stdin: { isTTY: false, question: () => Promise.resolve(DLQ) } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`refusing to purge ${DLQ} without --yes`);
      expect(await depthOf(DLQ)).toBe(2);
    });

    it('on a terminal asks for the queue name and purges only when it matches', async () => {
      const prompts: string[] = [];
      const terminal = (answer: string) => ({
        isTTY: true,
        question: (prompt: string) => {
          prompts.push(prompt);
          return Promise.resolve(answer);
        },
      });
      const cancelled = await cli(['purge', DLQ], { stdin: terminal('yes') });
      expect(cancelled.code).toBe(1);
      expect(cancelled.stderr).toContain('Purge cancelled');
      expect(prompts[0]).toContain(`This deletes 2 messages from ${DLQ} in vhost "${ns.name}"`);
      expect(await depthOf(DLQ)).toBe(2);

      const confirmed = await cli(['purge', DLQ], { stdin: terminal(DLQ) });
      expect(confirmed.code).toBe(0);
      expect(confirmed.stdout).toBe(`Purged 2 messages from ${DLQ} (vhost "${ns.name}").\n`);
      expect(await depthOf(DLQ)).toBe(0);
    });

    it('with --yes empties the DLQ and says how many messages it removed', async () => {
      const result = await cli(['purge', DLQ, '--yes']);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`Purged 2 messages from ${DLQ} (vhost "${ns.name}").\n`);
      expect(await depthOf(DLQ)).toBe(0);
    });
  });

  describe('errors', () => {
    it('names an unknown queue', async () => {
      const result = await cli(['show', 'nope.dlq']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `error: queue "nope.dlq" not found in vhost "${ns.name}" (npm run dlq -- list shows the DLQs)\n`,
      );
    });

    it('refuses a queue that is not a DLQ', async () => {
      const result = await cli(['replay', QUEUE]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`"${QUEUE}" is not a dead-letter queue`);
      expect(result.stderr).toContain(`did you mean "${DLQ}"?`);
    });

    it('names the broker it cannot reach, without the password', async () => {
      const result = await cli(['show', DLQ], { env: { RABBITMQ_URL: 'amqp://guest:s3cret@127.0.0.1:1/loja' } });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('cannot reach RabbitMQ at amqp://guest@127.0.0.1:1/loja');
      expect(result.stderr).not.toContain('s3cret');

      const management = await cli(['list'], {
        env: { ...env, RABBITMQ_MANAGEMENT_URL: 'http://guest:s3cret@127.0.0.1:1' },
      });
      expect(management.code).toBe(1);
      expect(management.stderr).toContain('cannot reach the RabbitMQ management API at http://guest@127.0.0.1:1/');
      expect(management.stderr).not.toContain('s3cret');
    });

    it('names a vhost that does not exist', async () => {
      const result = await cli(['list', '--vhost', `${ns.name}_missing`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`vhost "${ns.name}_missing" not found`);
    });

    it('prints the usage on bad arguments, with exit code 2', async () => {
      for (const argv of [[], ['frobnicate'], ['show'], ['show', DLQ, '--limit', 'x'], ['purge', DLQ, '--id', 'a']]) {
        const result = await cli(argv);
        expect(result.code, argv.join(' ')).toBe(2);
        expect(result.stderr).toMatch(/^error: .+\n\nUsage: npm run dlq -- <command>/);
      }
      const help = await cli(['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: npm run dlq');
    });
  });
});
