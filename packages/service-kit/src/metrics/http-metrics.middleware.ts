import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Histogram, Registry } from 'prom-client';

/** The route label of a request no route matched (a 404, a static file): one series, not one per URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/** `loja_http_request_duration_seconds`, registered once per application. */
@Injectable()
export class HttpMetrics {
  readonly duration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(@Inject(Registry) registry: Registry) {
    this.duration = new Histogram({
      name: 'loja_http_request_duration_seconds',
      help: 'HTTP requests, from the first byte read to the last byte written, by method, route pattern and status.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }
}

/**
 * Times every request by method, route and status code. The route is the pattern the request matched
 * (`/orders/:id`), read once the response is finished, so the series stay few whatever the URLs.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: HttpMetrics) {}

  use(request: Request, response: Response, next: NextFunction): void {
    const started = performance.now();
    // Nest mounts this middleware as a catch-all route of its own: a request still on it at the end
    // matched no controller.
    const own: unknown = request.route;
    response.once('finish', () => {
      const route = request.route as { path?: unknown } | undefined;
      const matched = route !== own && typeof route?.path === 'string';
      this.metrics.duration.observe(
        {
          method: request.method,
          route: matched ? `${request.baseUrl}${route.path as string}` : UNMATCHED_ROUTE,
          status_code: String(response.statusCode),
        },
        (performance.now() - started) / 1000,
      );
    });
    next();
  }
}
