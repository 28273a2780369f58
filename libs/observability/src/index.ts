export { bootService, createServiceApp, type BootOptions, type ServiceConfig } from './boot/boot-service';
export { HealthController } from './health/health.controller';
export {
  ReadinessRegistry,
  type CheckResult,
  type ReadinessCheck,
  type ReadinessReport,
} from './health/readiness.registry';
export { createLogger, secretValues, type CreateLoggerOptions } from './logger/create-logger';
export { NestPinoLogger } from './logger/nest-pino-logger';
export { REDACTED, isSecretKey, redactSecrets, redactUrl } from './logger/redact';
export { MetricsService, METRIC_PREFIX } from './metrics/metrics.service';
export { ObservabilityModule, type ObservabilityOptions } from './observability.module';
export {
  APP_CONFIG,
  PINO_LOGGER,
  REDIS_CLIENT,
  SERVICE_NAME,
  InjectAppConfig,
  InjectPinoLogger,
  InjectRedis,
  InjectServiceName,
} from './observability-tokens';
export { createRedisClient, redisRetryDelay } from './redis/create-redis-client';
