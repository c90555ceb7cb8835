import { Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpMetrics, HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsController } from './metrics.controller';

export interface MetricsOptions {
  /** The `service` label every metric of this registry carries. */
  service: string;
}

const EVENT_LOOP_SAMPLE_MS = 100;

/** A service's own registry: Node's default metrics, and every metric labelled with the service. */
export function createServiceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  // prom-client samples the event loop's delay every 10 ms by default: a hundred wake-ups a second of
  // an idle service, each a context switch on a loaded machine. Every 100 ms still sees each stall.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}

/**
 * `GET /metrics` in Prometheus' text format, from one prom-client `Registry` per application (provided
 * under prom-client's `Registry` class, so other modules register their metrics on it without knowing
 * this one), and the duration of every HTTP request by method, route pattern and status. Import it once,
 * in the service's root module.
 */
@Module({})
export class MetricsModule implements NestModule {
  static forRoot(options: MetricsOptions): DynamicModule {
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [{ provide: Registry, useFactory: () => createServiceRegistry(options.service) }, HttpMetrics],
      exports: [Registry],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
