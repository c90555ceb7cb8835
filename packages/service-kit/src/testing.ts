import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServiceApp, type ServiceSettings } from './bootstrap-service';

/**
 * Starts a service in the test process as main.ts would, on a free port: sets `env` first (a
 * service's AppModule reads its settings when it is imported), then loads the module.
 */
export async function startServiceForTest(
  loadModule: () => Promise<Type<unknown>>,
  settings: ServiceSettings & { env: Record<string, string> },
): Promise<{ app: NestExpressApplication; baseUrl: string }> {
  Object.assign(process.env, { LOG_LEVEL: 'error', ...settings.env });
  const app = await createServiceApp(await loadModule(), settings);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return { app, baseUrl: `http://127.0.0.1:${address.port}` };
}
