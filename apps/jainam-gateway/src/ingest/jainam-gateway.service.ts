import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import {
  BROKER_REST_CALLS_METRIC,
  DEFAULT_XTS_INSTRUMENTS,
  JainamAdapter,
  ReadPacer,
  SharedBrokerSessions,
  StaticInstrumentResolver,
  isEventDriven,
  type BrokerAdapterEvent,
  type DeliveryMeta,
  type TradeRecord,
} from '@fillwire/broker-adapters';
import { EventEngine } from '@fillwire/event-engine';
import { EventPublisher } from '@fillwire/event-bus';
import { preciseNow, type CanonicalOrder } from '@fillwire/events';
import {
  APP_CONFIG,
  InjectPinoLogger,
  MetricsService,
  REDIS_CLIENT,
  ReadinessRegistry,
} from '@fillwire/observability';
import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import { resolveJainamAccounts, type JainamAccount } from '../accounts/jainam-account.schema';
import type { JainamGatewayConfig } from '../config/jainam-gateway-config.schema';
import { AccountConnectionService } from './account-connection.service';
import { GatewayMetricsService } from './gateway-metrics.service';
import { OrderBookSyncService, type UpdateEmitter } from './order-book-sync.service';
import { UpdateIngestService } from './update-ingest.service';
import { XtsAccountAdapter } from './xts-account.adapter';

type GatewayEvents = { [K in BrokerAdapterEvent['type']]: Extract<BrokerAdapterEvent, { type: K }> };

export interface JainamAccountHandle {
  account: JainamAccount;
  adapter: JainamAdapter;
  connection: AccountConnectionService;
}

/**
 * Wiring: one JainamAdapter per account pushing into an in-process EventEngine (its timer drives
 * polling), one handler per kind feeding UpdateIngestService, the bus publisher, readiness checks.
 * Every fetched state (gap fill, polling) goes through the same UpdateIngestService as socket
 * updates, which takes one order's updates in turn, so dedup and stale marking see one ordered
 * stream per order.
 */
@Injectable()
export class JainamGatewayService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly engine = new EventEngine<GatewayEvents>({ timerIntervalMs: 1_000, historySize: 0 });
  private publisher!: EventPublisher;
  private ingest!: UpdateIngestService;
  private readonly accounts = new Map<string, JainamAccountHandle>();
  private readonly logger: Logger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: JainamGatewayConfig,
    private readonly metrics: GatewayMetricsService,
    private readonly metricsService: MetricsService,
    private readonly readiness: ReadinessRegistry,
    @InjectPinoLogger() rootLogger: Logger,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.logger = rootLogger.child({ context: 'JainamGatewayService' });
  }

  /** The account's adapter and connection (tests place orders through the gateway's own session). */
  account(accountId: string): JainamAccountHandle | undefined {
    return this.accounts.get(accountId);
  }

  onModuleInit(): void {
    const c = this.config;
    this.publisher = new EventPublisher({
      url: c.REDIS_URL,
      prefix: c.FILLWIRE_PREFIX,
      registry: this.metricsService.registry,
      // Socket updates dispatched in one engine batch go to Redis in one write.
      autoPipeline: true,
    });
    const accounts = resolveJainamAccounts(c);
    const users = new Map(accounts.map((a) => [a.accountId, a.userId]));
    this.ingest = new UpdateIngestService({
      sink: this.publisher,
      metrics: this.metrics,
      userOf: (accountId) => users.get(accountId),
      logger: this.logger,
      onPublishFailure: (accountId) => this.accounts.get(accountId)?.connection.requestResync(),
    });
    // Fetched states (gap fill, polling) resolve once published; they queue per order behind the
    // socket's updates of the same order in UpdateIngestService, so dedup sees one ordered stream.
    const emitter: UpdateEmitter = {
      order: async (order: CanonicalOrder, meta: DeliveryMeta) =>
        void (await this.ingest.ingestOrder(order, meta)),
      trade: async (trade: TradeRecord, meta: DeliveryMeta) =>
        void (await this.ingest.ingestTrade(trade, meta)),
    };
    const instruments = new StaticInstrumentResolver(DEFAULT_XTS_INSTRUMENTS);
    const sessions = new SharedBrokerSessions(this.redis, { prefix: c.FILLWIRE_PREFIX });
    const restCalls = this.metricsService.counter(BROKER_REST_CALLS_METRIC);
    for (const account of accounts) {
      const adapter = new JainamAdapter({
        accountId: account.accountId,
        baseUrl: account.baseUrl,
        appKey: account.appKey,
        secretKey: account.secretKey,
        source: account.source,
        instruments,
        timeoutMs: 7_000,
        // Re-login is the connection service's decision (once, never two sessions at once).
        reloginOnAuthError: false,
        restCalls,
      });
      adapter.setSink(this.engine);
      const eventDriven = isEventDriven(account.userId, {
        useEventDrivenOrders: c.USE_EVENT_DRIVEN_ORDERS,
        rolloutPercent: c.EVENT_DRIVEN_ROLLOUT_PERCENT,
      });
      const connection = new AccountConnectionService({
        port: new XtsAccountAdapter(adapter, (s) => sessions.publishXtsSession(account.accountId, s)),
        userId: account.userId,
        eventDriven,
        sync: new OrderBookSyncService(new ReadPacer({ intervalMs: 1_000 }), this.ingest.deduper, preciseNow),
        emitter,
        publishSystem: (envelope) => this.publisher.publish(envelope),
        metrics: this.metrics,
        logger: this.logger,
        reconnectMinMs: c.XTS_RECONNECT_MIN,
        reconnectMaxMs: c.XTS_RECONNECT_MAX,
        maxAuthFailures: c.XTS_MAX_AUTH_FAILURES,
        pollIntervalMs: c.XTS_POLL_INTERVAL,
      });
      this.accounts.set(account.accountId, { account, adapter, connection });
      this.readiness.register(`jainam:${account.accountId}`, () => connection.readiness());
    }
    // Sync handlers that hand off: an async one would be called one event at a time (the engine's
    // per-handler turn), i.e. one Redis round trip per socket update for the whole gateway.
    this.engine.register('broker.order', (e) => {
      this.ingest.ingestOrder(e.data.order, e.data.meta).catch((err: unknown) => this.handoffFailed(err));
    });
    this.engine.register('broker.trade', (e) => {
      this.ingest.ingestTrade(e.data.trade, e.data.meta).catch((err: unknown) => this.handoffFailed(err));
    });
    this.engine.register('broker.position', (e) => this.ingest.notePosition(e.data.position, e.data.meta));
    this.engine.register('broker.error', (e) =>
      this.ingest.noteUnusable(e.data.accountId, e.data.channel, e.data.error),
    );
    this.engine.register('timer', () => this.tick());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.publisher.connect();
    this.engine.start();
    // Not awaited: a broker that is down must not keep the service from serving /health and /metrics.
    void Promise.all([...this.accounts.values()].map((a) => a.connection.start())).catch((err: unknown) =>
      this.logger.error({ err }, 'starting XTS accounts failed'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((a) => a.connection.stop()));
    await this.engine.stop({ drain: true });
    await this.publisher.close();
  }

  /** UpdateIngestService turns bus failures into outcomes; anything thrown is a bug, logged. */
  private handoffFailed(err: unknown): void {
    this.logger.error({ err }, 'broker update handling failed');
  }

  private async tick(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((a) => a.connection.tick()));
  }
}
