import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  BROKER_REST_CALLS_METRIC,
  BrokerAuthError,
  DEFAULT_XTS_INSTRUMENTS,
  JainamAdapter,
  KiteOrderStream,
  ReadPacer,
  SharedBrokerSessions,
  StaticInstrumentResolver,
  ZerodhaAdapter,
  type BrokerAdapter,
  type BrokerRestCallCounter,
  type KiteInstrument,
  type TickRecord,
} from '@fillwire/broker-adapters';
import type { Broker } from '@fillwire/events';
import { IdentityRepository } from '@fillwire/identity';
import { APP_CONFIG, MetricsService, REDIS_CLIENT } from '@fillwire/observability';
import { PortfolioReadRepository, type AccountRef } from '@fillwire/portfolio-state';
import type { Redis } from 'ioredis';
import type { BrokerCommands, BrokerCommandsRegistry } from '../automation/broker-commands';
import type { PriceTicker } from '../automation/price-feed.service';
import type { PortfolioManagerConfig } from '../config/portfolio-manager-config.schema';

interface Session {
  adapter: BrokerAdapter;
  /** The token in use, to tell a refused session from one another caller already renewed. */
  token: () => string | null;
  renew: (failedToken: string | null) => Promise<void>;
}

/** Read spacing per account and endpoint: XTS allows 1 req/s on each read; Kite 10 req/s overall. */
const READ_INTERVAL_MS: Record<Broker, number> = { jainam: 1_000, zerodha: 250, paper: 0 };

/**
 * REST access to each broker account (no pushed streams: the gateways own those), created on
 * first use. Kite: the shared access token (`<prefix>:broker-session:zerodha:<account>`) or, in
 * demo mode, a simulator login of our own (Kite allows many). XTS: never a login of our own — a
 * second XTS login would kill jainam-gateway's socket session — only the session the gateway
 * publishes through SharedBrokerSessions. A refused session is renewed once and the call retried
 * (an auth failure happens before the broker accepts anything, so the retry cannot duplicate).
 */
@Injectable()
export class BrokerAccountsService implements BrokerCommandsRegistry, OnApplicationShutdown {
  private readonly logger = new Logger(BrokerAccountsService.name);
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly shared: SharedBrokerSessions;
  private readonly identity: IdentityRepository;
  private readonly state: PortfolioReadRepository;
  private readonly instruments = new StaticInstrumentResolver(DEFAULT_XTS_INSTRUMENTS);
  private readonly pacers = new Map<string, ReadPacer>();
  private readonly restCalls: BrokerRestCallCounter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: PortfolioManagerConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: MetricsService,
  ) {
    this.restCalls = metrics.counter(BROKER_REST_CALLS_METRIC);
    this.shared = new SharedBrokerSessions(redis, { prefix: config.FILLWIRE_PREFIX });
    this.identity = new IdentityRepository(redis, config.FILLWIRE_PREFIX);
    this.state = new PortfolioReadRepository(redis, { prefix: config.FILLWIRE_PREFIX });
  }

  /** Every account to watch: linked to a user (libs/identity) or with orders in the portfolio state. */
  async accounts(): Promise<AccountRef[]> {
    const known = new Map<string, AccountRef>();
    for (const a of await this.state.listAccounts()) known.set(`${a.broker}|${a.accountId}`, a);
    for (const accountId of Object.keys(await this.identity.accountOwners())) {
      const linked = await this.identity.getAccount(accountId);
      if (linked) known.set(`${linked.broker}|${accountId}`, { broker: linked.broker, accountId });
    }
    return [...known.values()].filter((a) => a.broker !== 'paper');
  }

  forAccount(broker: Broker, accountId: string): BrokerCommands | null {
    if (broker === 'paper') return null;
    const key = `${broker}|${accountId}`;
    const read = <T>(endpoint: string, run: (a: BrokerAdapter) => Promise<T>) =>
      this.pacer(key, broker).run(endpoint, () => this.call(broker, accountId, run));
    return {
      placeOrder: (request) => this.call(broker, accountId, (a) => a.placeOrder(request)),
      modifyOrder: (request) => this.call(broker, accountId, (a) => a.modifyOrder(request)),
      cancelOrder: (request) => this.call(broker, accountId, (a) => a.cancelOrder(request)),
      getOrderBook: () => read('orders', (a) => a.getOrderBook()),
      getPositions: () => read('positions', (a) => a.getPositions()),
    };
  }

  /** Kite's instrument master over the first Kite account's session (a big download: once a day). */
  async kiteInstruments(): Promise<KiteInstrument[] | null> {
    const account = await this.firstKiteAccount();
    if (!account) return null;
    const list = await this.call('zerodha', account, (adapter) => {
      if (!(adapter instanceof ZerodhaAdapter)) throw new Error(`${account} is not a Kite account`);
      return adapter.getInstruments();
    });
    if (list.skipped > 0) this.logger.log({ skipped: list.skipped }, 'instrument master rows left out');
    return list.instruments;
  }

  /**
   * A Kite ticker for last prices over the first Kite account's session, subscribed to nothing (the
   * price feed subscribes what positions need). Null while there is no Kite account or ticker URL.
   * `renewSession`: the last ticker's token was refused, so take a fresh one first.
   */
  async openTicker(
    onTicks: (ticks: TickRecord[]) => void,
    renewSession: boolean,
  ): Promise<PriceTicker | null> {
    const url = this.config.KITE_WS_URL;
    const account = url ? await this.firstKiteAccount() : null;
    if (!url || !account) return null;
    const session = await this.session('zerodha', account);
    if (renewSession) await session.renew(session.token());
    const token = session.token();
    if (!token) return null;
    const stream = new KiteOrderStream({
      url,
      apiKey: this.config.KITE_API_KEY,
      accessToken: token,
      // Order updates are zerodha-postback's; this socket is for prices only.
      onOrder: () => undefined,
      onTicks: (ticks) => onTicks(ticks),
      onError: (message) => this.logger.debug({ accountId: account, message }, 'price ticker'),
    });
    try {
      await stream.start();
    } catch (error) {
      // start() keeps retrying after a first failure; the feed opens a new one on its next pass.
      await stream.stop();
      throw error;
    }
    return {
      subscribe: (tokens) => stream.subscribe(tokens),
      unsubscribe: (tokens) => stream.unsubscribe(tokens),
      get state() {
        return stream.state;
      },
      close: () => stream.stop(),
    };
  }

  private async firstKiteAccount(): Promise<string | null> {
    return (await this.accounts()).find((a) => a.broker === 'zerodha')?.accountId ?? null;
  }

  async onApplicationShutdown(): Promise<void> {
    const all = await Promise.allSettled([...this.sessions.values()]);
    await Promise.allSettled(
      all.flatMap((r) => (r.status === 'fulfilled' ? [r.value.adapter.disconnect()] : [])),
    );
  }

  private pacer(key: string, broker: Broker): ReadPacer {
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new ReadPacer({ intervalMs: READ_INTERVAL_MS[broker] });
      this.pacers.set(key, pacer);
    }
    return pacer;
  }

  private async call<T>(
    broker: Broker,
    accountId: string,
    run: (adapter: BrokerAdapter) => Promise<T>,
  ): Promise<T> {
    const session = await this.session(broker, accountId);
    const token = session.token();
    try {
      return await run(session.adapter);
    } catch (error) {
      if (!(error instanceof BrokerAuthError)) throw error;
      this.logger.warn({ accountId, broker }, 'broker session refused; renewing once');
      await session.renew(token);
      return run(session.adapter);
    }
  }

  private session(broker: Broker, accountId: string): Promise<Session> {
    const key = `${broker}|${accountId}`;
    let session = this.sessions.get(key);
    if (!session) {
      session = broker === 'jainam' ? this.xts(accountId) : this.kite(accountId);
      this.sessions.set(key, session);
      // A failed login is not kept: the next call tries again.
      session.catch(() => this.sessions.delete(key));
    }
    return session;
  }

  private async kite(accountId: string): Promise<Session> {
    const c = this.config;
    const adapter = new ZerodhaAdapter({
      accountId,
      apiKey: c.KITE_API_KEY,
      apiSecret: c.KITE_API_SECRET,
      rootUrl: c.KITE_ROOT_URL,
      wsUrl: null,
      restCalls: this.restCalls,
    });
    let token: string | null = null;
    const login = async (failed: string | null) => {
      const stored = await this.shared.kiteToken(accountId);
      if (stored && stored !== failed) token = stored;
      else if (c.FILLWIRE_DEMO) token = (await adapter.generateSession(accountId)).accessToken;
      else
        throw new BrokerAuthError(
          'zerodha',
          `no Kite session for ${accountId}: log in through the Kite login flow`,
          null,
        );
      adapter.setAccessToken(token);
    };
    await login(null);
    return { adapter, token: () => token, renew: login };
  }

  private async xts(accountId: string): Promise<Session> {
    const c = this.config;
    const adapter = new JainamAdapter({
      accountId,
      baseUrl: c.XTS_BASE_URL,
      appKey: c.XTS_APP_KEY,
      secretKey: c.XTS_SECRET_KEY,
      source: c.XTS_SOURCE,
      instruments: this.instruments,
      socket: false,
      reloginOnAuthError: false,
      restCalls: this.restCalls,
    });
    const adopt = async (failed: string | null) => {
      adapter.rest.setSession(await this.shared.adoptXtsSession(accountId, failed));
    };
    await adopt(null);
    return { adapter, token: () => adapter.rest.current?.token ?? null, renew: adopt };
  }
}
