import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG } from '@fillwire/observability';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { BrokerAccountsService } from '../brokers/broker-accounts.service';
import { serviceClock, type PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';
import {
  PORTFOLIO_EVENT_SINK,
  PortfolioService,
  type PortfolioEventSink,
} from '../portfolio/portfolio.service';
import { ExitsService } from './exits.service';
import { parseSquareOffSchedule } from './square-off-schedule';
import { SquareOffService } from './square-off.service';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Runs the automation in the app: exits re-planned after every applied order update (observer on
 * PortfolioService), last prices from the Kite ticker into unrealized P&L and trailing stops, and
 * the MIS square-off checked every SQUARE_OFF_CHECK_INTERVAL on the service clock. Every replica
 * runs all of it; the locks and SET NX markers inside the services make each action happen once.
 */
@Injectable()
export class AutomationProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AutomationProcessor.name);
  readonly exits: ExitsService;
  readonly squareOff: SquareOffService;
  private timer: NodeJS.Timeout | null = null;
  private closeTicker: (() => Promise<void>) | null = null;
  private running: Promise<unknown> | null = null;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: PortfolioManagerConfig,
    private readonly portfolio: PortfolioService,
    private readonly brokers: BrokerAccountsService,
    read: PortfolioReadRepository,
    write: PortfolioWriteRepository,
    @Inject(PORTFOLIO_EVENT_SINK) sink: PortfolioEventSink,
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
  }

  onApplicationBootstrap(): void {
    if (!this.config.PM_AUTOMATION) return;
    this.portfolio.observeOrders((ref, meta) => this.exits.onOrder(ref, meta));
    this.timer = setInterval(() => this.tick(), this.config.SQUARE_OFF_CHECK_INTERVAL);
    this.timer.unref();
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    // Bounded: with Redis gone, a step in flight waits on its reconnect and must not hold the exit.
    await Promise.race([this.running, new Promise((resolve) => setTimeout(resolve, 1_500).unref())]);
    await this.closeTicker?.().catch(() => undefined);
  }

  private tick(): void {
    if (this.running || this.stopping) return;
    this.running = this.runOnce()
      .catch((err: unknown) => this.logger.warn({ error: errorText(err) }, 'automation tick failed'))
      .finally(() => {
        this.running = null;
      });
  }

  private async runOnce(): Promise<void> {
    if (!this.closeTicker) this.closeTicker = await this.openTicker();
    const ran = await this.squareOff.tick();
    if (ran.length > 0) this.logger.log({ squareOffs: ran }, 'MIS square-off done');
  }

  private async openTicker(): Promise<(() => Promise<void>) | null> {
    try {
      return await this.brokers.openTicker((exchange, symbol, price) =>
        this.onPrice(exchange, symbol, price),
      );
    } catch (err) {
      this.logger.warn({ error: errorText(err) }, 'Kite ticker for last prices not open; retrying later');
      return null;
    }
  }

  private onPrice(exchange: string, symbol: string, price: number): void {
    // Ticks are frequent and idempotent: a failed one is superseded by the next.
    void this.portfolio
      .onPrice(exchange, symbol, price)
      .then(() => this.exits.onPrice(exchange, symbol, price))
      .catch((err: unknown) => this.logger.warn({ symbol, error: errorText(err) }, 'last price not applied'));
  }
}
