import { describe, expect, it } from 'vitest';
import { banner, sampleOrderCurl, SAMPLE_ORDER } from './banner';
import type { RunningStore } from './start-store';

const fullStore = {
  namespace: 'loja',
  urls: {
    orders: 'http://localhost:3000',
    inventory: 'http://localhost:3001',
    openApi: 'http://localhost:3000/docs',
    flow: 'http://localhost:3000/flow/',
    rabbitmqUi: 'http://127.0.0.1:15672/#/queues/loja',
    mailUi: 'http://127.0.0.1:8025',
  },
  services: { inventory: {}, orders: {}, logistics: {} },
  logFile: (service: string) => `${process.cwd()}/.store/loja/logs/${service}.log`,
} as unknown as RunningStore;

describe('banner', () => {
  it('prints where to look and a curl line that places the sample order', () => {
    const text = banner(fullStore, { shippingDelayMs: '5000' });
    expect(text).toContain('Saga flow (live)    http://localhost:3000/flow/');
    expect(text).toContain('Orders API          http://localhost:3000');
    expect(text).toContain('OpenAPI UI          http://localhost:3000/docs');
    expect(text).toContain('Inventory products  http://localhost:3001/products');
    expect(text).toContain('http://127.0.0.1:15672/#/queues/loja   (guest/guest on a local RabbitMQ)');
    expect(text).toContain('Mail UI             http://127.0.0.1:8025');
    expect(text).toContain('.store/loja/logs/<service>.log');
    expect(text).toContain(sampleOrderCurl('http://localhost:3000'));
    expect(text).toContain('curl -sS http://localhost:3000/orders/<id>');
    expect(text).toContain('or watch it move through the saga at http://localhost:3000/flow/');
  });

  it('quotes the body so the shell passes it unchanged: valid JSON, 2 × CAMISETA-BASICA-M', () => {
    const body = /-d '(.*)'$/.exec(sampleOrderCurl('http://localhost:3000'))![1]!;
    expect(JSON.parse(body)).toEqual(SAMPLE_ORDER);
    expect(SAMPLE_ORDER.items).toEqual([{ sku: 'CAMISETA-BASICA-M', quantity: 2 }]);
  });

  it('leaves out the order lines when the store runs no orders service', () => {
    const text = banner({
      ...fullStore,
      urls: { rabbitmqUi: fullStore.urls.rabbitmqUi },
      services: { inventory: {} },
    } as unknown as RunningStore);
    expect(text).not.toContain('curl');
    expect(text).toContain('is running: inventory');
  });
});
