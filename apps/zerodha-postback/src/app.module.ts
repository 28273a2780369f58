import { Module } from '@nestjs/common';

/**
 * zerodha-postback's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed ZerodhaPostbackConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [] })
export class AppModule {}
