import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventConsumer, entryIdTime } from '@fillwire/event-bus';
import { parseEnvelope } from '@fillwire/events';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import type { StateEnvelope } from '@fillwire/portfolio-state';
import type { PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';
import { PortfolioService } from './portfolio.service';

/** The consumer group every portfolio-manager replica joins: replicas compete for entries. */
export const PORTFOLIO_GROUP = 'portfolio-manager';
const JOIN_WAIT_MS = 2_000;
const DRAIN_MS = 1_000;

/**
 * Reads order.placed / order.updated / order.reconciled / trade.executed from the bus (consumer
 * group `portfolio-manager`, at least once, no order promised) and hands each to PortfolioService.
 * An entry is acked only after its Lua step and announcements are done; a failure leaves it
 * pending for retry and, after maxDeliveries, the dead-letter stream.
 *
 * Deliberately its own EventConsumer rather than EventBusModule's consume → engine path: the
 * handler needs the stream entry id (publish→apply latency in each order's timeline and the
 * fillwire_portfolio_publish_to_apply_ms histogram), which the engine delivery does not carry.
 */
@Injectable()
export class OrderEventsProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OrderEventsProcessor.name);
  private readonly consumer: EventConsumer;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @Inject(APP_CONFIG) config: PortfolioManagerConfig,
    private readonly portfolio: PortfolioService,
    metrics: MetricsService,
  ) {
    this.consumer = new EventConsumer({
      url: config.REDIS_URL,
      prefix: config.FILLWIRE_PREFIX,
      group: PORTFOLIO_GROUP,
      // A fresh group reads the retained log: positions are rebuilt from it (apply is idempotent).
      startId: '0',
      concurrency: config.PM_CONCURRENCY,
      filter: { types: ['order.placed', 'order.updated', 'order.reconciled', 'trade.executed'] },
      registry: metrics.registry,
      handler: async (envelope, ctx) => {
        if (!this.portfolio.handles(envelope.type)) return;
        // The bus checks the envelope; the payload is checked here, against its schema.
        const typed = parseEnvelope(envelope) as StateEnvelope;
        await this.portfolio.handle(typed, entryIdTime(ctx.entryId));
      },
      logger: {
        info: (obj, msg) => this.logger.log(obj, msg),
        warn: (obj, msg) => this.logger.warn(obj, msg),
        error: (obj, msg) => this.logger.error(obj, msg),
      },
    });
  }

  /** Joins the group in the background: with Redis down the service still boots and serves /ready (503). */
  async onModuleInit(): Promise<void> {
    this.starting = this.consumer.start().then(
      () => this.logger.log({ group: PORTFOLIO_GROUP }, 'consuming events'),
      (err: unknown) =>
        this.logger.error(
          { group: PORTFOLIO_GROUP, error: (err as Error).message },
          'event consumer failed to start',
        ),
    );
    await Promise.race([this.starting, new Promise((resolve) => setTimeout(resolve, JOIN_WAIT_MS).unref())]);
  }

  async onApplicationShutdown(): Promise<void> {
    // A short drain budget: with Redis gone, nothing in flight can finish anyway (entries stay pending).
    await this.consumer.close(DRAIN_MS);
    await this.starting;
  }
}
