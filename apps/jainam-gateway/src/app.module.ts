import { Module } from '@nestjs/common';
import { EventBusModule } from '@fillwire/event-bus';
import { IngestModule } from './ingest/ingest.module';

/**
 * jainam-gateway's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed JainamGatewayConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [EventBusModule.forRoot({ service: 'jainam-gateway' }), IngestModule] })
export class AppModule {}
