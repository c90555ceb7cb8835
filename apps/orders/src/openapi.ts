import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { apiComponentSchemas } from './openapi.schemas';

/**
 * OpenAPI document at /docs-json and Swagger UI at /docs. Passed as `configure` to bootstrapService
 * (main.ts) and to startServiceForTest, so tests see the same app.
 */
export function configureOpenApi(app: NestExpressApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Loja Orders API')
    .setDescription(
      'Place orders and follow them through the saga (stock, payment, shipping). Errors are ' +
        '`{ statusCode, code, message, errors? }`; validation errors list every failing field.',
    )
    .setVersion('1.0')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...apiComponentSchemas() },
  };
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
