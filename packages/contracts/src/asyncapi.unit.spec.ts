import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { ASYNCAPI_FILE, asyncApiDocument, renderAsyncApi } from './asyncapi';
import { EVERY_EVENT_VERSION } from './catalog';
import { CONSUMER_QUEUES } from './topology';

describe('the AsyncAPI document', () => {
  let parsed: Awaited<ReturnType<Parser['parse']>>;
  // The parser loads its rule sets on first use: seconds, once.
  beforeAll(async () => {
    parsed = await new Parser().parse(renderAsyncApi());
  }, 60_000);

  it('is a valid AsyncAPI 3 document for @asyncapi/parser, with no error', () => {
    const { document, diagnostics } = parsed;
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    expect(document!.components().messages().all()).toHaveLength(EVERY_EVENT_VERSION.length);
  });

  it('says who sends and who receives each event, and in which versions', () => {
    const { document } = parsed;
    const operation = (id: string) => document!.operations().get(id)!;
    const send = operation('orders.send.PedidoCriado');
    expect(send.action()).toBe('send');
    expect(
      send
        .channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['pedido.criado']);
    expect(
      send
        .messages()
        .all()
        .map((m) => m.title()),
    ).toEqual(['PedidoCriado v1', 'PedidoCriado v2']);
    const receive = operation('inventory.reserve-stock.receive');
    expect(receive.action()).toBe('receive');
    expect(
      receive
        .channels()
        .all()
        .map((c) => c.address()),
    ).toEqual(['inventory.reserve-stock']);
    expect(
      receive
        .messages()
        .all()
        .map((m) => m.title()),
    ).toEqual(['PedidoCriado v1', 'PedidoCriado v2']);
    expect(document!.operations().filterByReceive()).toHaveLength(Object.keys(CONSUMER_QUEUES).length);
    const message = document!.components().messages().get('PedidoCriado.v2')!;
    expect(message.payload()!.properties()!.data!.required()).toContain('placedAt');
    expect(Object.keys(message.headers()!.properties()!)).toContain('traceparent');
  });

  it('is committed up to date (npm run schemas -w @loja/contracts)', () => {
    expect(readFileSync(join(__dirname, '..', ASYNCAPI_FILE), 'utf8')).toBe(renderAsyncApi());
    expect(Object.keys(asyncApiDocument())).toContain('operations');
  });
});
