import { Module } from '@nestjs/common';
import { PostbackModule } from './postback/postback.module';

/**
 * zerodha-postback's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed ZerodhaPostbackConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [PostbackModule] })
export class AppModule {}
