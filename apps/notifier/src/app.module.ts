import { Module } from '@nestjs/common';
import { PushModule } from './push/push.module';

/**
 * notifier's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed NotifierConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [PushModule] })
export class AppModule {}
