export { bootstrapService, createServiceApp, type ServiceSettings } from './bootstrap-service';
export { DomainError, InvalidRequestError, ServiceOverloadedError, type FieldError } from './domain-error';
export { DomainErrorFilter } from './domain-error.filter';
export {
  COMMON_ERROR_CODES,
  ERROR_CODES,
  provideErrorCodes,
  type CommonErrorCode,
  type ErrorCodes,
} from './error-codes';
export { parseRequest } from './parse-request';
export { parseEnv } from './parse-env';
export { MetricsModule, createServiceRegistry, type MetricsOptions } from './metrics/metrics.module';
