import { Module } from '@nestjs/common';
import { BrokersModule } from './brokers/brokers.module';
import { BusModule } from './bus/bus.module';
import { FlagsModule } from './flags/flags.module';
import { IdentityModule } from './identity/identity.module';
import { OpenAlgoModule } from './openalgo/openalgo.module';
import { OrdersModule } from './orders/orders.module';

/**
 * order-api's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed OrderApiConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({ imports: [IdentityModule, BusModule, BrokersModule, OrdersModule, OpenAlgoModule, FlagsModule] })
export class AppModule {}
