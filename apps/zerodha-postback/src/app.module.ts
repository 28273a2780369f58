import { Module } from '@nestjs/common';
import { EventBusModule } from '@fillwire/event-bus';
import { ConnectionsModule } from './connections/connections.module';
import { PlacementsModule } from './placements/placements.module';
import { PostbackModule } from './postback/postback.module';

/**
 * zerodha-postback's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed ZerodhaPostbackConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({
  imports: [
    EventBusModule.forRoot({ service: 'zerodha-postback' }),
    PostbackModule,
    ConnectionsModule,
    PlacementsModule,
  ],
})
export class AppModule {}
