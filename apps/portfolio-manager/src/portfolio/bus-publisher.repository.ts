import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import type { PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';
import type { PortfolioEventSink } from './portfolio.service';

/** portfolio-manager's events onto the bus (idempotent by envelope id; fails fast when Redis is down). */
@Injectable()
export class BusPublisherRepository implements PortfolioEventSink, OnApplicationShutdown {
  private readonly publisher: EventPublisher;

  constructor(@Inject(APP_CONFIG) config: PortfolioManagerConfig, metrics: MetricsService) {
    this.publisher = new EventPublisher({
      url: config.REDIS_URL,
      prefix: config.FILLWIRE_PREFIX,
      registry: metrics.registry,
    });
  }

  async publish(envelope: EventEnvelope): Promise<unknown> {
    return this.publisher.publish(envelope);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
