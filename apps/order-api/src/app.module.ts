import { Module } from '@nestjs/common';
import { EventBusModule } from '@fillwire/event-bus';
import { BrokersModule } from './brokers/brokers.module';
import { BusModule } from './bus/bus.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DemoTrafficModule } from './demo-traffic/demo-traffic.module';
import { AdminQueuesModule } from './admin-queues/admin-queues.module';
import { DocsModule } from './docs/docs.module';
import { FlagsModule } from './flags/flags.module';
import { IdentityModule } from './identity/identity.module';
import { KiteLoginModule } from './kite-login/kite-login.module';
import { OpenAlgoModule } from './openalgo/openalgo.module';
import { OrdersModule } from './orders/orders.module';

/**
 * order-api's features. Logging, metrics, /health, /ready, /metrics, Redis and the config
 * (APP_CONFIG, typed OrderApiConfig) come from ObservabilityModule, which bootService adds.
 */
@Module({
  imports: [
    EventBusModule.forRoot({ service: 'order-api' }),
    IdentityModule,
    BusModule,
    BrokersModule,
    KiteLoginModule,
    OrdersModule,
    OpenAlgoModule,
    FlagsModule,
    DocsModule,
    DashboardModule,
    AdminQueuesModule,
    DemoTrafficModule,
  ],
})
export class AppModule {}
