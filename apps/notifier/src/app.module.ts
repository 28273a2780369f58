import { Module } from '@nestjs/common';

/**
 * notifier's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed NotifierConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [] })
export class AppModule {}
