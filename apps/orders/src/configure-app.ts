import type { NestExpressApplication } from '@nestjs/platform-express';
import { translateBodyParserErrors } from './http/body-parser-errors';
import { configureOpenApi } from './openapi';

/**
 * Orders' additions to service-kit's app: clear codes for body-parser failures and the OpenAPI docs.
 * The `configure` of bootstrapService in main.ts, and of startServiceForTest in the tests.
 */
export function configureApp(app: NestExpressApplication): void {
  translateBodyParserErrors(app);
  configureOpenApi(app);
}
