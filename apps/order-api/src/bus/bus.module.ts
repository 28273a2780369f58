import { Global, Inject, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventPublisher } from '@fillwire/event-bus';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { OrderEventsService } from './order-events.service';

/**
 * order-api only publishes (it consumes nothing), so it needs the bus publisher alone: order.placed,
 * order.rejected and flags.updated.
 */
@Global()
@Module({
  providers: [
    {
      provide: EventPublisher,
      inject: [APP_CONFIG, MetricsService],
      useFactory: (config: OrderApiConfig, metrics: MetricsService) =>
        new EventPublisher({ url: config.REDIS_URL, prefix: config.FILLWIRE_PREFIX, registry: metrics.registry }),
    },
    OrderEventsService,
  ],
  exports: [EventPublisher, OrderEventsService],
})
export class BusModule implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(EventPublisher) private readonly publisher: EventPublisher) {}

  /** The bus is the same Redis that /ready already checks; fail the boot if it is not there. */
  async onModuleInit(): Promise<void> {
    await this.publisher.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
