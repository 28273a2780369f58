import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { EventPublisher, type PublishResult } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';
import { InjectAppConfig, MetricsService } from '@fillwire/observability';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';

/** The event log `<prefix>:events`: an idempotent publish that resolves once Redis has it. */
@Injectable()
export class EventLogRepository implements OnApplicationShutdown {
  private readonly publisher: EventPublisher;

  constructor(@InjectAppConfig() config: ZerodhaPostbackConfig, metrics: MetricsService) {
    this.publisher = new EventPublisher({
      url: config.REDIS_URL,
      prefix: config.FILLWIRE_PREFIX,
      registry: metrics.registry,
      // Postbacks that arrive together (one poll of the loop) go to Redis in one write.
      autoPipeline: true,
    });
  }

  publish(envelope: EventEnvelope): Promise<PublishResult> {
    return this.publisher.publish(envelope);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.close();
  }
}
