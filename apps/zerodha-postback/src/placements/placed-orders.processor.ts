import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { EventConsumer, nestBusLogger } from '@fillwire/event-bus';
import { parseEnvelope } from '@fillwire/events';
import { InjectAppConfig, MetricsService } from '@fillwire/observability';
import { AccountRegistry } from '../accounts/account-registry.service';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';
import { PlacementCheckService } from './placement-check.service';

/** zerodha-postback's consumer group: replicas compete, so each placement is checked once. */
export const PLACEMENTS_GROUP = 'zerodha-postback';
const JOIN_WAIT_MS = 2_000;
const DRAIN_MS = 1_000;

/**
 * Reads `order.placed` of the Kite accounts this gateway follows (order-api's placements and
 * portfolio-manager's exits alike) and hands each to PlacementCheckService. The handler only
 * schedules the check, so the group never waits on a broker read; a check lost to a crash is made
 * good by the reconciliation at the next start. A new group starts at new events: orders placed
 * while no replica ran are in the order book that reconciliation reads.
 */
@Injectable()
export class PlacedOrdersProcessor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(PlacedOrdersProcessor.name);
  private readonly consumer: EventConsumer | null;
  private starting: Promise<void> = Promise.resolve();

  constructor(
    @InjectAppConfig() config: ZerodhaPostbackConfig,
    accounts: AccountRegistry,
    private readonly checks: PlacementCheckService,
    metrics: MetricsService,
  ) {
    const accountIds = accounts.all().map((a) => a.accountId);
    this.consumer =
      config.ZERODHA_PLACEMENT_CHECK && accountIds.length > 0
        ? new EventConsumer({
            url: config.REDIS_URL,
            prefix: config.FILLWIRE_PREFIX,
            group: PLACEMENTS_GROUP,
            filter: { types: ['order.placed'], accountIds },
            registry: metrics.registry,
            handler: (envelope) => {
              // The bus checked the envelope; the payload is checked here, against its schema.
              const placed = parseEnvelope(envelope);
              if (placed.type !== 'order.placed' || placed.data.order.broker !== 'zerodha') return;
              this.checks.schedule(placed.data.order.accountId, placed.data.order.brokerOrderId, placed.id);
            },
            logger: nestBusLogger(PlacedOrdersProcessor.name),
          })
        : null;
  }

  /** Joins the group in the background: with Redis down the service still boots and takes postbacks. */
  async onModuleInit(): Promise<void> {
    const consumer = this.consumer;
    if (!consumer) return;
    this.starting = consumer.start().then(
      () => this.logger.log({ group: PLACEMENTS_GROUP }, 'checking Kite placements'),
      (err: unknown) =>
        this.logger.error(
          { group: PLACEMENTS_GROUP, error: (err as Error).message },
          'placement consumer failed to start',
        ),
    );
    await Promise.race([this.starting, new Promise((resolve) => setTimeout(resolve, JOIN_WAIT_MS).unref())]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.close(DRAIN_MS);
    await this.starting;
  }
}
