import { Module } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp } from './bootstrap-service';
import { provideErrorCodes } from './error-codes';

@Module({ providers: [provideErrorCodes({})] })
class EmptyModule {}

describe('GET /asyncapi.json', () => {
  let app: Awaited<ReturnType<typeof createServiceApp>>;
  let base: string;

  beforeAll(async () => {
    app = await createServiceApp(EmptyModule, { service: 'test', defaultPort: 0 });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(() => app?.close());

  it("serves the store's AsyncAPI document, on every service", async () => {
    const response = await fetch(`${base}/asyncapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as { asyncapi: string; operations: Record<string, unknown> };
    expect(document.asyncapi).toBe('3.0.0');
    expect(document.operations).toHaveProperty(['orders.send.PedidoCriado']);
  });
});
