import { Module } from '@nestjs/common';

/**
 * order-api's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed OrderApiConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [] })
export class AppModule {}
