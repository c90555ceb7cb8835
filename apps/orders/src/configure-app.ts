import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureOpenApi } from './openapi';
import { PlaceOrderAdmission } from './orders/place-order/place-order-admission.service';
import { refuseWhileOverloaded } from './orders/place-order/refuse-while-overloaded';

/** The flow page's front end, bundled by flow-ui/build.mjs (from src/ and from dist/ alike). */
export const FLOW_UI_DIR = join(__dirname, '..', 'dist', 'flow-ui');

/**
 * Orders' additions to service-kit's app: the OpenAPI docs and the flow page's static files at /flow.
 * The `configure` of bootstrapService in main.ts, and of startServiceForTest in the tests.
 */
export function configureApp(app: NestExpressApplication): void {
  configureOpenApi(app);
  app.useStaticAssets(FLOW_UI_DIR, { prefix: '/flow', index: 'index.html' });
}

/** Orders' middleware ahead of the body parser: refusing a POST /orders under overload costs next to nothing. */
export function beforeBodyParsing(app: NestExpressApplication): void {
  app.use(refuseWhileOverloaded(app.get(PlaceOrderAdmission)));
}
