import { Module } from '@nestjs/common';
import { EventBusModule } from '@fillwire/event-bus';
import { APP_CONFIG } from '@fillwire/observability';
import type { NotifierConfig } from './config/notifier-config.schema';
import { PushModule } from './push/push.module';
import { SINK_QUEUES } from './sinks/sink-jobs';
import { SINK_EVENT_TYPES } from './sinks/sink-router.service';
import { SinksModule } from './sinks/sinks.module';

/**
 * notifier's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed NotifierConfig) come from ObservabilityModule, which bootService adds.
 * The WebSocket side reads the whole log in every instance (PushModule); the sinks consume through
 * one group, `notifier-sinks`, so each event is delivered to Kafka/webhooks/Telegram once.
 */
@Module({
  imports: [
    EventBusModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: NotifierConfig) => ({
        service: 'notifier',
        consume: { group: 'notifier-sinks', types: SINK_EVENT_TYPES, concurrency: 8 },
        publish: [],
        queues: Object.values(SINK_QUEUES),
        redisUrl: config.REDIS_URL,
      }),
    }),
    PushModule,
    SinksModule,
  ],
})
export class AppModule {}
