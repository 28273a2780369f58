import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { FeatureFlags } from '@fillwire/events';
import {
  FeatureFlagsReader,
  FeatureFlagsRepository,
  FeatureFlagsService,
  type FlagsChange,
  type OrderUpdateDecision,
} from '@fillwire/identity';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import { OrderEventsService } from '../bus/order-events.service';
import type { OrderApiConfig } from '../config/order-api-config.schema';

/** Wires the identity lib's flags (Redis + 500 ms reader) to order-api's bus publisher. */
@Injectable()
export class FlagsService implements OnModuleInit, OnApplicationShutdown {
  private readonly service: FeatureFlagsService;
  private readonly reader: FeatureFlagsReader;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    @Inject(APP_CONFIG) config: OrderApiConfig,
    events: OrderEventsService,
  ) {
    const defaults = { useEventDrivenOrders: config.USE_EVENT_DRIVEN_ORDERS, rolloutPercent: config.EVENT_DRIVEN_ROLLOUT_PERCENT };
    this.service = new FeatureFlagsService(new FeatureFlagsRepository(redis, config.FILLWIRE_PREFIX, defaults), (event) => events.flagsUpdated(event));
    this.reader = new FeatureFlagsReader({ redis, prefix: config.FILLWIRE_PREFIX, defaults });
  }

  async onModuleInit(): Promise<void> {
    await this.reader.start();
  }

  onApplicationShutdown(): void {
    this.reader.stop();
  }

  decide(userId: string): OrderUpdateDecision {
    return this.reader.decide(userId);
  }

  current(): Promise<FeatureFlags> {
    return this.service.get();
  }

  async update(change: FlagsChange, by: string | null): Promise<{ flags: FeatureFlags; changed: string[] }> {
    const result = await this.service.update(change, by);
    await this.reader.refresh();
    return result;
  }
}
