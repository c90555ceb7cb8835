import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureOpenApi } from './openapi';

/**
 * Orders' addition to service-kit's app: the OpenAPI docs.
 * The `configure` of bootstrapService in main.ts, and of startServiceForTest in the tests.
 */
export function configureApp(app: NestExpressApplication): void {
  configureOpenApi(app);
}
