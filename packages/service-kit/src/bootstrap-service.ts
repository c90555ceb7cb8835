import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConsoleLogger,
  Module,
  type DynamicModule,
  type INestApplication,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { translateBodyParserErrors } from './body-parser-errors';
import { DomainErrorFilter } from './domain-error.filter';
import { ERROR_CODES, type ErrorCodes } from './error-codes';
import { stopTracing, tracingStarted } from './tracing/start-tracing';

export interface ServiceSettings {
  /** Name in every log line. */
  service: string;
  defaultPort: number;
  /** Largest accepted request body (JSON). */
  bodyLimit?: string;
  /** Express middleware that must run before a request's body is read (refusing it cheaply, say). */
  beforeBodyParsing?: (app: NestExpressApplication) => void;
  /** Extra setup before listening (OpenAPI docs, for example). */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

/** Creates the service's HTTP app the way every service needs it; used by main.ts and the tests. */
export async function createServiceApp(
  module: Type<unknown>,
  settings: ServiceSettings,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(tracingStarted() ? flushingSpans(module) : module, {
    // One JSON object per line: what log shippers expect; handlers add orderId and eventId to it.
    logger: new ConsoleLogger(settings.service, { json: true, logLevels: logLevels() }),
    bodyParser: false,
  });
  settings.beforeBodyParsing?.(app);
  app.useBodyParser('json', { limit: settings.bodyLimit ?? '64kb', strict: false });
  translateBodyParserErrors(app);
  serveAsyncApi(app);
  // The service's codes and their statuses, from its AppModule (provideErrorCodes); missing: boot fails.
  app.useGlobalFilters(new DomainErrorFilter(app.get<symbol, ErrorCodes>(ERROR_CODES)));
  app.enableShutdownHooks();
  await settings.configure?.(app);
  return app;
}

/** main.ts of a service: create, listen on PORT (0: a free port), stop gracefully on SIGTERM/SIGINT. */
export async function bootstrapService(module: Type<unknown>, settings: ServiceSettings): Promise<INestApplication> {
  const app = await createServiceApp(module, settings);
  const port = Number(process.env.PORT ?? settings.defaultPort);
  await app.listen(port);
  // Idle keep-alive connections must outlive those of the clients and proxies in front (nginx and load
  // balancers keep theirs 60 s): with Node's 5 s default, a client may send a request on a connection the
  // server is closing at that moment, and gets ECONNRESET for a request that was never read.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // The port bound, not the one asked: with PORT=0 the launcher learns the service's port from this line.
  const bound = (server.address() as AddressInfo).port;
  new ConsoleLogger(settings.service, { json: true }).log({ msg: 'listening', port: bound });
  return app;
}

/** The service's module, and at shutdown (once the consumers have drained) the buffered spans exported. */
@Module({})
class TracedService implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}

function flushingSpans(module: Type<unknown>): DynamicModule {
  return { module: TracedService, imports: [module] };
}

/** The store's AsyncAPI document, generated in @loja/contracts; read once, served as it is. */
const ASYNCAPI_PATH = '/asyncapi.json';
function serveAsyncApi(app: NestExpressApplication): void {
  const document = readFileSync(require.resolve('@loja/contracts/schemas/asyncapi.json'), 'utf8');
  app
    .getHttpAdapter()
    .getInstance()
    .get(ASYNCAPI_PATH, (_request: unknown, response: { type(t: string): { send(body: string): void } }) =>
      response.type('application/json').send(document),
    );
}

function logLevels(): Array<'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal'> {
  const level = process.env.LOG_LEVEL ?? 'log';
  const order = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const;
  const from = Math.max(0, order.indexOf(level as (typeof order)[number]));
  return order.slice(from) as Array<(typeof order)[number]>;
}
