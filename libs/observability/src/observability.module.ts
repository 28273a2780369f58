import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import type { BaseConfig } from '@fillwire/config';
import { HealthController } from './health/health.controller';
import { ReadinessRegistry } from './health/readiness.registry';
import { createLogger, secretValues } from './logger/create-logger';
import { HttpLoggingMiddleware } from './logger/http-logging.middleware';
import { NestPinoLogger } from './logger/nest-pino-logger';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { APP_CONFIG, PINO_LOGGER, REDIS_CLIENT, SERVICE_NAME } from './observability-tokens';
import { createRedisClient } from './redis/create-redis-client';
import { RedisConnectionService } from './redis/redis-connection.service';

export interface ObservabilityOptions<C extends BaseConfig = BaseConfig> {
  /** Service name: `order-api`, `notifier`, … */
  service: string;
  /** The service's parsed config; provided to the whole app as APP_CONFIG. */
  config: C;
}

/**
 * Logging, metrics, health/readiness and the Redis connection for one service. Global, so the
 * app's feature modules inject MetricsService, ReadinessRegistry, REDIS_CLIENT and APP_CONFIG
 * without importing it.
 */
@Global()
@Module({})
export class ObservabilityModule implements NestModule {
  static forRoot<C extends BaseConfig>({ service, config }: ObservabilityOptions<C>): DynamicModule {
    const logger = createLogger({ service, level: config.LOG_LEVEL, secrets: secretValues(config) });
    return {
      module: ObservabilityModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: PINO_LOGGER, useValue: logger },
        { provide: NestPinoLogger, useValue: new NestPinoLogger(logger) },
        { provide: APP_CONFIG, useValue: config },
        { provide: ReadinessRegistry, useFactory: () => new ReadinessRegistry() },
        {
          provide: REDIS_CLIENT,
          useFactory: () => createRedisClient(config.REDIS_URL, `${config.FILLWIRE_PREFIX}:${service}`),
        },
        MetricsService,
        RedisConnectionService,
      ],
      exports: [
        SERVICE_NAME,
        APP_CONFIG,
        REDIS_CLIENT,
        PINO_LOGGER,
        NestPinoLogger,
        ReadinessRegistry,
        MetricsService,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(HttpLoggingMiddleware, HttpMetricsMiddleware)
      .forRoutes({ path: '{*splat}', method: RequestMethod.ALL });
  }
}
