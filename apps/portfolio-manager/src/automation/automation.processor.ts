import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, MetricsService, REDIS_CLIENT } from '@fillwire/observability';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { BrokerAccountsService } from '../brokers/broker-accounts.service';
import { serviceClock, type PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';
import {
  PORTFOLIO_EVENT_SINK,
  PortfolioService,
  type PortfolioEventSink,
} from '../portfolio/portfolio.service';
import type { Redis } from 'ioredis';
import { PeriodicTask } from '../periodic-task';
import { ExitsService } from './exits.service';
import { PriceFeedLease } from './price-feed-lease';
import { PriceFeedService } from './price-feed.service';
import { parseSquareOffSchedule } from './square-off-schedule';
import { SquareOffService } from './square-off.service';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

const IST_OFFSET_MS = 330 * 60_000;

/**
 * Runs the automation in the app: exits re-planned after every applied order update (observer on
 * PortfolioService), last prices into unrealized P&L and trailing stops (PriceFeedService: only the
 * replica holding the feed lease runs the Kite ticker), and the MIS square-off checked every
 * SQUARE_OFF_CHECK_INTERVAL on the service clock. Every replica runs the rest; the locks and SET NX
 * markers inside the services make each action happen once.
 */
@Injectable()
export class AutomationProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AutomationProcessor.name);
  readonly exits: ExitsService;
  readonly squareOff: SquareOffService;
  readonly priceFeed: PriceFeedService;
  private readonly squareOffChecks = new PeriodicTask(
    () => this.runOnce(),
    (err) => this.logger.warn({ error: errorText(err) }, 'automation tick failed'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: PortfolioManagerConfig,
    private readonly portfolio: PortfolioService,
    brokers: BrokerAccountsService,
    read: PortfolioReadRepository,
    write: PortfolioWriteRepository,
    @Inject(PORTFOLIO_EVENT_SINK) sink: PortfolioEventSink,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: MetricsService,
  ) {
    const now = serviceClock(config);
    this.exits = new ExitsService(
      read,
      write,
      brokers,
      { publish: (e) => sink.publish(e), notify: (n, fact) => portfolio.notify(n, fact) },
      now,
      config.TRAILING_MODIFY_INTERVAL,
    );
    this.squareOff = new SquareOffService(
      read,
      write,
      brokers,
      { notify: (n, fact) => portfolio.notify(n, fact) },
      parseSquareOffSchedule(config.SQUARE_OFF_TIMES, config.SQUARE_OFF_HOLIDAYS),
      now,
    );
    this.priceFeed = new PriceFeedService({
      lease: new PriceFeedLease(redis, {
        key: `${read.keys.root}:lease:price-feed`,
        ttlMs: config.PRICE_FEED_LEASE_TTL,
      }),
      broker: {
        instruments: () => brokers.kiteInstruments(),
        openTicker: (onTicks, renew) => brokers.openTicker(onTicks, renew),
      },
      wanted: async () => [...(await read.openInstruments()), ...(await this.exits.trailingInstruments())],
      onPrice: (exchange, symbol, price) => this.onPrice(exchange, symbol, price),
      // The master is made once a day: a new IST date on the service clock fetches it again.
      day: () => new Date(now() + IST_OFFSET_MS).toISOString().slice(0, 10),
      gauges: {
        owner: metrics.gauge({
          name: 'fillwire_price_feed_owner',
          help: '1 while this replica holds the price feed lease (runs the Kite last-price ticker), else 0',
        }),
        instruments: metrics.gauge({
          name: 'fillwire_price_feed_instruments',
          help: 'Instruments subscribed on the last-price ticker (open positions and trailing stops)',
        }),
        unresolved: metrics.gauge({
          name: 'fillwire_price_feed_unresolved_instruments',
          help: 'Instruments that need a price but are not in the Kite instrument master',
        }),
      },
      refreshMs: config.PRICE_FEED_REFRESH_INTERVAL,
    });
  }

  onApplicationBootstrap(): void {
    if (!this.config.PM_AUTOMATION) return;
    this.portfolio.observeOrders((ref, meta) => this.exits.onOrder(ref, meta));
    this.squareOffChecks.start(this.config.SQUARE_OFF_CHECK_INTERVAL);
    this.priceFeed.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.squareOffChecks.stop();
    if (this.config.PM_AUTOMATION) await this.priceFeed.stop();
  }

  private async runOnce(): Promise<void> {
    const ran = await this.squareOff.tick();
    if (ran.length > 0) this.logger.log({ squareOffs: ran }, 'MIS square-off done');
  }

  private onPrice(exchange: string, symbol: string, price: number): void {
    // Ticks are frequent and idempotent: a failed one is superseded by the next.
    void this.portfolio
      .onPrice(exchange, symbol, price)
      .then(() => this.exits.onPrice(exchange, symbol, price))
      .catch((err: unknown) => this.logger.warn({ symbol, error: errorText(err) }, 'last price not applied'));
  }
}
