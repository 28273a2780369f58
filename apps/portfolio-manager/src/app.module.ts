import { Module } from '@nestjs/common';

/**
 * portfolio-manager's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed PortfolioManagerConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [] })
export class AppModule {}
