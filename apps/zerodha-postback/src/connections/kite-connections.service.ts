import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import {
  BrokerAuthError,
  reconnectDelayMs,
  type BrokerAdapterEvent,
  type ConnectionTransition,
} from '@fillwire/broker-adapters';
import {
  BROKER_CONNECTION_STATES,
  createEnvelope,
  type EnvelopeMeta,
  type TypedEnvelope,
} from '@fillwire/events';
import { FeatureFlagsReader } from '@fillwire/identity';
import { InjectAppConfig, InjectRedis, ReadinessRegistry } from '@fillwire/observability';
import type Redis from 'ioredis';
import { AccountRegistry } from '../accounts/account-registry.service';
import type { ZerodhaPostbackConfig } from '../config/zerodha-postback-config.schema';
import { EventLogRepository } from '../ingest/event-log.repository';
import { IngestMetrics } from '../ingest/ingest-metrics.service';
import { OrderIngestService } from '../ingest/order-ingest.service';
import { decidePolling, isMarketOpen } from '../polling/polling-policy';
import { OrderSyncService, type OrderCatchUp } from '../sync/order-sync.service';
import { AccountConnection } from './account-connection';
import { KiteAdapterFactory } from './kite-adapter.factory';
import { SharedKiteSessionsRepository } from './shared-kite-sessions.repository';

const TICK_MS = 250;
/** How often Redis is asked for sessions the login flow stored (one MGET for all accounts). */
const SHARED_SESSION_CHECK_MS = 1_000;
const READY_STATES = new Set(['connected', 'synced', 'degraded']);

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Every configured Kite account: log in (its own access token), open its ticker (order updates as
 * the second channel), reconcile against the order book at start and after every reconnect, poll
 * while the ticker is down or the user is not on event-driven mode, log in again once on an auth
 * failure and stand down on the next. Each state change is published (broker.connected /
 * broker.disconnected / broker.error), shown on /ready and as a metric.
 */
@Injectable()
export class KiteConnectionsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(KiteConnectionsService.name);
  private readonly connections = new Map<string, AccountConnection>();
  private readonly flags: FeatureFlagsReader;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private sharedCheckedAt = 0;
  private checkingShared = false;
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    @InjectAppConfig() private readonly config: ZerodhaPostbackConfig,
    private readonly accounts: AccountRegistry,
    private readonly adapters: KiteAdapterFactory,
    private readonly ingest: OrderIngestService,
    private readonly orderSync: OrderSyncService,
    private readonly eventLog: EventLogRepository,
    private readonly metrics: IngestMetrics,
    private readonly readiness: ReadinessRegistry,
    @InjectRedis() redis: Redis,
    private readonly sharedSessions: SharedKiteSessionsRepository,
  ) {
    // Runtime flag changes (order-api admin) reach us within a second; config until then.
    this.flags = new FeatureFlagsReader({
      redis,
      prefix: config.FILLWIRE_PREFIX,
      defaults: {
        useEventDrivenOrders: config.USE_EVENT_DRIVEN_ORDERS,
        rolloutPercent: config.EVENT_DRIVEN_ROLLOUT_PERCENT,
      },
      onError: (err) => this.logger.debug({ error: errorText(err) }, 'feature flags not refreshed'),
    });
  }

  onApplicationBootstrap(): void {
    for (const account of this.accounts.all()) {
      const conn = new AccountConnection(account, this.adapters.create(account));
      this.connections.set(account.accountId, conn);
      conn.machine.onTransition((t) => this.onTransition(conn, t));
      conn.adapter.setSink({ put: (event) => this.onAdapterEvent(conn, event) });
      this.metrics.track(account.accountId);
      this.setStateGauge(conn);
      this.spawn(this.start(conn));
    }
    this.spawn(this.flags.start());
    this.readiness.register('kite-accounts', () => this.readinessCheck());
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.flags.stop();
    if (this.timer) clearInterval(this.timer);
    for (const conn of this.connections.values()) if (conn.retryTimer) clearTimeout(conn.retryTimer);
    await Promise.allSettled([...this.connections.values()].map((c) => c.adapter.disconnect()));
    await Promise.allSettled([...this.background]);
  }

  /** State of every account (tests, /ready). */
  states(): Record<string, string> {
    return Object.fromEntries([...this.connections].map(([id, c]) => [id, c.machine.state]));
  }

  /** Forces an account's ticker to drop and reconnect (operator action, tests). */
  reconnectTicker(accountId: string): void {
    this.connections.get(accountId)?.adapter.reconnectStream();
  }

  /**
   * Emits what the bus missed of one order, read from its history (see OrderSyncService). Null
   * when the account is not followed here or has no session: its next reconciliation covers it.
   */
  async catchUpOrder(accountId: string, brokerOrderId: string): Promise<OrderCatchUp | null> {
    const conn = this.connections.get(accountId);
    if (!conn || !conn.loggedIn || this.stopping) return null;
    try {
      return await this.orderSync.catchUpOrder(conn, brokerOrderId);
    } catch (err) {
      if (!(err instanceof BrokerAuthError)) throw err;
      this.spawn(this.onAuthFailure(conn, errorText(err)));
      return null;
    }
  }

  private async start(conn: AccountConnection): Promise<void> {
    if (this.stopping) return;
    if (conn.machine.can('connecting'))
      conn.machine.moveTo('connecting', conn.connectAttempt > 0 ? 'retrying' : null);
    try {
      await this.login(conn);
      await conn.adapter.connect();
      conn.connectAttempt = 0;
    } catch (err) {
      if (this.stopping) return;
      if (err instanceof BrokerAuthError) return this.onAuthFailure(conn, errorText(err));
      conn.resyncRequested = conn.loggedIn;
      if (conn.adapter.streamState !== null) {
        // The ticker keeps retrying by itself; polling covers the gap meanwhile.
        this.moveIf(conn, 'degraded', `ticker: ${errorText(err)}`);
        return;
      }
      conn.connectAttempt += 1;
      const delay = reconnectDelayMs(conn.connectAttempt);
      this.logger.warn(
        { accountId: conn.accountId, error: errorText(err), retryInMs: delay },
        'Kite connect failed',
      );
      this.moveIf(conn, 'degraded', `connect failed: ${errorText(err)}`);
      conn.retryTimer = setTimeout(() => {
        conn.retryTimer = null;
        this.spawn(this.start(conn));
      }, delay);
      conn.retryTimer.unref();
    }
  }

  private async login(conn: AccountConnection): Promise<void> {
    if (conn.loggedIn) return;
    const { account } = conn;
    if (account.requestToken) {
      await conn.adapter.generateSession(account.requestToken);
    } else {
      // Today's login through order-api beats a configured token, which may be from an earlier day.
      const shared = await this.sharedSessions.token(account.accountId);
      if (shared) {
        conn.sharedToken = shared;
        conn.adapter.setAccessToken(shared);
      } else if (!account.accessToken) {
        throw new BrokerAuthError(
          'zerodha',
          'no Kite session: log in through the Kite login flow (order-api GET /v1/brokers/zerodha/login)',
          null,
        );
      }
    }
    conn.loggedIn = true;
  }

  private async onAuthFailure(conn: AccountConnection, reason: string): Promise<void> {
    if (this.stopping) return;
    conn.loggedIn = false;
    const canRelogin = Boolean(conn.account.requestToken) && !conn.reloggedIn;
    await conn.adapter.disconnect();
    if (!canRelogin) {
      this.moveIf(conn, 'stood-down', `authentication failed again: ${reason}`);
      this.logger.error(
        { accountId: conn.accountId, reason },
        'Kite account stood down: log in again through the Kite login flow (picked up without a restart)',
      );
      return;
    }
    conn.reloggedIn = true;
    this.logger.warn({ accountId: conn.accountId, reason }, 'Kite session refused; logging in again');
    this.moveIf(conn, 'degraded', `session refused: ${reason}`);
    await this.start(conn);
  }

  private onAdapterEvent(conn: AccountConnection, event: BrokerAdapterEvent): void {
    switch (event.type) {
      case 'broker.order': {
        const { order, meta } = event.data;
        this.spawn(
          this.ingest
            .ingest({
              order,
              userId: conn.account.userId,
              channel: meta.channel,
              receivedAt: meta.receivedAt,
            })
            .catch((err: unknown) =>
              this.logger.error(
                { accountId: conn.accountId, orderId: order.brokerOrderId, error: errorText(err) },
                'ticker update not published; reconciliation will recover it',
              ),
            ),
        );
        return;
      }
      case 'broker.connection':
        this.onTickerState(conn, event.data.state, event.data.reason);
        return;
      case 'broker.error':
        this.logger.warn(
          { accountId: conn.accountId, channel: event.data.channel, error: event.data.error },
          'Kite payload unusable',
        );
        return;
      case 'broker.trade':
      case 'broker.position':
      case 'broker.account':
      case 'broker.tick':
        return;
    }
  }

  private onTickerState(conn: AccountConnection, state: string, reason: string | null): void {
    if (this.stopping) return;
    switch (state) {
      case 'connected':
        conn.tickerDownSince = null;
        this.moveIf(conn, 'connected', null);
        this.spawn(this.runSync(conn, 'reconciliation'));
        return;
      case 'connecting':
        this.moveIf(conn, 'connecting', reason);
        return;
      case 'disconnected':
        conn.tickerDownSince ??= Date.now();
        this.ingest.openGap(conn.accountId);
        this.moveIf(conn, 'degraded', reason ?? 'ticker closed');
        return;
      default:
        conn.tickerDownSince ??= Date.now();
        this.ingest.openGap(conn.accountId);
        this.spawn(this.onAuthFailure(conn, reason ?? state));
    }
  }

  private tick(): void {
    const now = Date.now();
    if (now - this.sharedCheckedAt >= SHARED_SESSION_CHECK_MS && !this.checkingShared) {
      this.sharedCheckedAt = now;
      this.spawn(this.checkSharedSessions());
    }
    for (const accountId of this.ingest.takeResyncRequests()) {
      const conn = this.connections.get(accountId);
      if (conn) conn.resyncRequested = true;
    }
    for (const conn of this.connections.values()) {
      if (conn.syncing) continue;
      const decision = decidePolling({
        state: conn.loggedIn ? conn.machine.state : 'disconnected',
        tickerDownSince: conn.tickerDownSince,
        eventDriven: this.flags.isEventDriven(conn.account.userId),
        marketOpen: isMarketOpen(this.config.ZERODHA_MARKET_HOURS, now),
        resyncRequested: conn.resyncRequested,
        lastSyncAt: conn.lastSyncAt,
        now,
        pollAfterMs: this.config.ZERODHA_POLL_AFTER,
        intervalMs: this.config.ZERODHA_POLL_INTERVAL,
      });
      if (decision.action === 'sync') this.spawn(this.runSync(conn, decision.channel));
    }
  }

  /**
   * Accounts that cannot log in by themselves (no request token) take up a session that order-api's
   * login flow stored, when one appears or changes: a stood-down account comes back, a connected one
   * moves its ticker to the new token. One that is connecting or syncing is left to finish first
   * (a call in flight with the old token must not stand the account down after the switch).
   */
  private async checkSharedSessions(): Promise<void> {
    this.checkingShared = true;
    try {
      const conns = [...this.connections.values()].filter((c) => !c.account.requestToken);
      const tokens = await this.sharedSessions.tokens(conns.map((c) => c.accountId));
      conns.forEach((conn, i) => {
        const token = tokens[i];
        if (token && token !== conn.sharedToken && conn.machine.state !== 'connecting' && !conn.syncing)
          this.spawn(this.adoptSharedSession(conn, token));
      });
    } finally {
      this.checkingShared = false;
    }
  }

  private async adoptSharedSession(conn: AccountConnection, token: string): Promise<void> {
    if (this.stopping) return;
    conn.sharedToken = token;
    if (conn.retryTimer) clearTimeout(conn.retryTimer);
    conn.retryTimer = null;
    this.logger.log(
      { accountId: conn.accountId, state: conn.machine.state },
      'Kite session from the login flow taken up; reconnecting',
    );
    // The ticker authenticated with the old token: close it; connect() opens one with the new token.
    await conn.adapter.disconnect();
    conn.adapter.setAccessToken(token);
    conn.loggedIn = true;
    conn.reloggedIn = false;
    conn.connectAttempt = 0;
    this.moveIf(conn, 'disconnected', 'new Kite session');
    await this.start(conn);
  }

  private async runSync(conn: AccountConnection, channel: 'reconciliation' | 'polling'): Promise<void> {
    if (conn.syncing || !conn.loggedIn) {
      if (channel === 'reconciliation') conn.resyncRequested = true;
      return;
    }
    conn.syncing = true;
    conn.resyncRequested = false;
    try {
      const result = await this.orderSync.sync(conn, channel, { closeGap: conn.tickerDownSince === null });
      conn.lastSyncAt = Date.now();
      if (result.emitted > 0) {
        this.logger.log(
          { accountId: conn.accountId, channel, ...result },
          'missed order transitions emitted',
        );
      }
      if (channel === 'reconciliation') {
        conn.reloggedIn = false;
        this.moveIf(conn, 'synced', null);
      }
    } catch (err) {
      conn.lastSyncAt = Date.now();
      conn.resyncRequested = conn.resyncRequested || channel === 'reconciliation';
      if (err instanceof BrokerAuthError) {
        this.spawn(this.onAuthFailure(conn, errorText(err)));
      } else {
        this.logger.warn(
          { accountId: conn.accountId, channel, error: errorText(err) },
          'order book sync failed',
        );
      }
    } finally {
      conn.syncing = false;
    }
  }

  private moveIf(
    conn: AccountConnection,
    to: AccountConnection['machine']['state'],
    reason: string | null,
  ): void {
    if (conn.machine.state !== to && conn.machine.can(to)) conn.machine.moveTo(to, reason);
  }

  private onTransition(conn: AccountConnection, t: ConnectionTransition): void {
    this.setStateGauge(conn);
    this.logger.log(
      { accountId: conn.accountId, from: t.from, to: t.to, reason: t.reason },
      'Kite connection state',
    );
    const base = {
      broker: 'zerodha' as const,
      accountId: conn.accountId,
      state: t.to,
      reason: t.reason,
      channel: 'ticker' as const,
    };
    const meta: EnvelopeMeta = {
      source: 'zerodha-postback',
      channel: 'ticker',
      userId: conn.account.userId,
      accountId: conn.accountId,
      broker: 'zerodha',
    };
    let envelope: TypedEnvelope | null = null;
    switch (t.to) {
      case 'connected':
      case 'synced':
        conn.announcedDown = false;
        envelope = createEnvelope('broker.connected', base, meta);
        break;
      case 'degraded':
        if (conn.announcedDown) return;
        conn.announcedDown = true;
        envelope = createEnvelope('broker.disconnected', { ...base, retryInMs: null }, meta);
        break;
      case 'stood-down':
        envelope = createEnvelope('broker.error', { ...base, code: 'TokenException', fatal: true }, meta);
        break;
      case 'connecting':
      case 'disconnected':
        return;
    }
    this.spawn(
      this.eventLog
        .publish(envelope)
        .catch((err: unknown) =>
          this.logger.warn(
            { accountId: conn.accountId, error: errorText(err) },
            `${envelope.type} not published`,
          ),
        ),
    );
  }

  private setStateGauge(conn: AccountConnection): void {
    for (const state of BROKER_CONNECTION_STATES) {
      this.metrics.connectionState.set(
        { broker: 'zerodha', account: conn.accountId, state },
        conn.machine.state === state ? 1 : 0,
      );
    }
  }

  private readinessCheck(): true | string {
    const failing = [...this.connections.values()]
      .filter((c) => !READY_STATES.has(c.machine.state))
      .map((c) => `${c.accountId} ${c.machine.state}${c.machine.reason ? ` (${c.machine.reason})` : ''}`);
    return failing.length === 0 ? true : failing.join('; ');
  }

  /** Tracks fire-and-forget work so shutdown can wait for it. */
  private spawn(work: Promise<unknown>): void {
    const tracked = work.catch((err: unknown) =>
      this.logger.error({ error: errorText(err) }, 'background task failed'),
    );
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }
}
