import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createEvent, ProdutoAtualizado } from '@loja/contracts';
import { waitFor, type BrokerProbe, type TestNamespace } from '@loja/messaging/testing';
import { startServiceForTest } from '@loja/service-kit/testing';
import { configureApp } from '../src/configure-app';

/** Orders alone, on a database of its own in `ns`, with one product in its catalogue replica. */
export async function startOrdersAlone(
  ns: TestNamespace,
  probe: BrokerProbe,
  env: Record<string, string>,
): Promise<{ app: INestApplication; baseUrl: string }> {
  const databaseUrl = await ns.database('orders', join(__dirname, '..'));
  const started = await startServiceForTest(async () => (await import('../src/app.module.js')).AppModule, {
    service: 'orders',
    defaultPort: 0,
    configure: configureApp,
    env: { DATABASE_URL: databaseUrl, RABBITMQ_URL: ns.rabbitmqUrl, ...env },
  });
  await probe.publish(
    'loja.events',
    ProdutoAtualizado.routingKey,
    createEvent(
      ProdutoAtualizado,
      { ...PRODUCT, currency: 'BRL', stockAvailable: 100, revision: 1 },
      { source: 'inventory', correlationId: PRODUCT.sku },
    ),
  );
  await waitFor('replica has the product', async () => (await fetch(`${started.baseUrl}/products/${PRODUCT.sku}`)).ok);
  return started;
}

/** POST /orders of one unit of the product startOrdersAlone put in the catalogue. */
export function postOrder(baseUrl: string): Promise<Response> {
  return fetch(`${baseUrl}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  });
}

export const PRODUCT = { sku: 'CAMISETA-TESTE-M', name: 'Camiseta Teste M', priceCents: 4990 };

const ORDER = {
  customer: { id: 'c-1', name: 'Ana Souza', email: 'ana@example.com' },
  items: [{ sku: 'CAMISETA-TESTE-M', quantity: 1 }],
  shippingAddress: {
    street: 'Rua das Flores',
    number: '100',
    city: 'Recife',
    state: 'PE',
    postalCode: '50000-000',
    country: 'BR',
  },
  payment: { method: 'card', cardToken: 'tok_visa' },
};
