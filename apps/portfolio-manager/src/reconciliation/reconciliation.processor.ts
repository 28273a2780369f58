import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, MetricsService } from '@fillwire/observability';
import { PortfolioReadRepository, PortfolioWriteRepository } from '@fillwire/portfolio-state';
import { BrokerAccountsService } from '../brokers/broker-accounts.service';
import { serviceClock, type PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';
import {
  PORTFOLIO_EVENT_SINK,
  PortfolioService,
  type PortfolioEventSink,
} from '../portfolio/portfolio.service';
import { PeriodicTask } from '../periodic-task';
import { ReconciliationService } from './reconciliation.service';

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Reconciliation on start and every RECONCILE_INTERVAL: each account's order book and positions
 * against ours (ReconciliationService; one replica per account and cycle). Drift is counted in
 * fillwire_reconciliation_drift_total and a drift that persists two cycles raises an alert.
 */
@Injectable()
export class ReconciliationProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconciliationProcessor.name);
  readonly service: ReconciliationService;
  private readonly driftTotal;
  private readonly cycles;
  private readonly cycle = new PeriodicTask(
    () => this.runCycle(),
    (err) => this.logger.warn({ error: errorText(err) }, 'reconciliation cycle failed'),
  );

  constructor(
    @Inject(APP_CONFIG) private readonly config: PortfolioManagerConfig,
    private readonly brokers: BrokerAccountsService,
    portfolio: PortfolioService,
    read: PortfolioReadRepository,
    write: PortfolioWriteRepository,
    @Inject(PORTFOLIO_EVENT_SINK) sink: PortfolioEventSink,
    metrics: MetricsService,
  ) {
    this.driftTotal = metrics.counter({
      name: 'fillwire_reconciliation_drift_total',
      help: 'Differences reconciliation found with the broker: orders corrected, positions still different',
      labelNames: ['broker', 'kind'],
    });
    this.cycles = metrics.counter({
      name: 'fillwire_reconciliation_cycles_total',
      help: 'Account reconciliations run by this replica, by outcome',
      labelNames: ['broker', 'outcome'],
    });
    this.service = new ReconciliationService(
      read,
      write,
      {
        publish: (e) => sink.publish(e),
        refreshPosition: (ref) => portfolio.refreshPosition(ref, 'reconciliation'),
        alert: (message, fact, accountId, broker) =>
          portfolio.notify({ kind: 'alert', level: 'warning', message, accountId, broker }, fact),
        drift: (broker, _accountId, orders, positions = 0) => {
          this.driftTotal.inc({ broker, kind: 'order' }, orders);
          this.driftTotal.inc({ broker, kind: 'position' }, positions);
        },
      },
      config.RECONCILE_INTERVAL,
      serviceClock(config),
    );
  }

  onApplicationBootstrap(): void {
    this.cycle.start(this.config.RECONCILE_INTERVAL);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.cycle.stop();
  }

  /** One cycle over every account (tests call it directly). */
  async runCycle(): Promise<void> {
    for (const account of await this.brokers.accounts()) {
      if (this.cycle.stopped) return;
      const books = this.brokers.forAccount(account.broker, account.accountId);
      if (!books) continue;
      try {
        const corrected = await this.service.reconcileAccount(account.broker, account.accountId, books);
        this.cycles.inc({ broker: account.broker, outcome: corrected === null ? 'other-replica' : 'done' });
        if (corrected?.length)
          this.logger.warn(
            { accountId: account.accountId, orders: corrected },
            'reconciliation repaired missed updates',
          );
      } catch (err) {
        this.cycles.inc({ broker: account.broker, outcome: 'failed' });
        this.logger.warn(
          { accountId: account.accountId, error: errorText(err) },
          'reconciliation failed; next cycle retries',
        );
      }
    }
  }
}
