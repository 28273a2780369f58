import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import {
  BROKER_REST_CALLS_METRIC,
  BrokerAuthError,
  BrokerInputError,
  JainamAdapter,
  SharedBrokerSessions,
  StaticInstrumentResolver,
  ZerodhaAdapter,
  type BrokerAdapter,
  type BrokerRestCallCounter,
  type InstrumentEntry,
  type KiteSession,
} from '@fillwire/broker-adapters';
import type { Exchange } from '@fillwire/events';
import type { BrokerAccount } from '@fillwire/identity';
import { APP_CONFIG, MetricsService, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import { DEFAULT_XTS_INSTRUMENTS, type OrderApiConfig } from '../config/order-api-config.schema';
import type { XtsSession } from '@fillwire/broker-adapters';

/** How long order-api waits for jainam-gateway's XTS session before logging in itself. */
const XTS_ADOPT_WAIT_MS = 3_000;

interface Connected {
  adapter: BrokerAdapter;
  /** Gets a fresh session after the broker refused ours; resolves false when that is not possible. */
  renew: (failedToken: string | null) => Promise<boolean>;
  token: () => string | null;
}

/**
 * One REST-only broker adapter per account, created on first use and kept (the gateways own the
 * pushed streams). Sessions: Kite access token from `<prefix>:broker-session:zerodha:<account>` or,
 * in demo mode, a simulator login; XTS shared with jainam-gateway through SharedBrokerSessions.
 */
@Injectable()
export class BrokerAccountsService implements OnApplicationShutdown {
  private readonly adapters = new Map<string, Promise<Connected>>();
  private readonly instruments: StaticInstrumentResolver;
  private readonly sessions: SharedBrokerSessions;
  private readonly restCalls: BrokerRestCallCounter;

  constructor(
    @Inject(APP_CONFIG) private readonly config: OrderApiConfig,
    @Inject(REDIS_CLIENT) redis: Redis,
    metrics: MetricsService,
  ) {
    this.restCalls = metrics.counter(BROKER_REST_CALLS_METRIC);
    this.sessions = new SharedBrokerSessions(redis, {
      prefix: config.FILLWIRE_PREFIX,
      loginWaitMs: XTS_ADOPT_WAIT_MS,
    });
    const list = config.XTS_INSTRUMENTS.length > 0 ? config.XTS_INSTRUMENTS : DEFAULT_XTS_INSTRUMENTS;
    this.instruments = new StaticInstrumentResolver(
      list.map((spec): InstrumentEntry => {
        const [exchange, symbol, id] = spec.split(':');
        return { exchange: exchange as Exchange, symbol, xtsInstrumentId: Number(id) };
      }),
    );
  }

  /** Runs a broker call on the account's adapter; a refused session is renewed once and the call retried. */
  async call<T>(account: BrokerAccount, run: (adapter: BrokerAdapter) => Promise<T>): Promise<T> {
    const connected = await this.connect(account);
    const token = connected.token();
    try {
      return await run(connected.adapter);
    } catch (error) {
      // An auth failure happens before the broker accepts anything, so a retry cannot duplicate.
      if (!(error instanceof BrokerAuthError) || !(await connected.renew(token))) throw error;
      return run(connected.adapter);
    }
  }

  /**
   * Exchanges a Kite login's request token for the account's session (the login flow). Nothing is
   * stored or cached here: the caller checks whose session it is before sharing it.
   */
  kiteLogin(accountId: string, requestToken: string): Promise<KiteSession> {
    return this.zerodhaAdapter(accountId).generateSession(requestToken);
  }

  async onApplicationShutdown(): Promise<void> {
    const all = await Promise.allSettled([...this.adapters.values()]);
    const adapters = all.flatMap((r) => (r.status === 'fulfilled' ? [r.value.adapter] : []));
    await Promise.all(adapters.map((adapter) => adapter.disconnect()));
  }

  private connect(account: BrokerAccount): Promise<Connected> {
    const key = `${account.broker}:${account.accountId}`;
    let connected = this.adapters.get(key);
    if (!connected) {
      connected = this.create(account);
      this.adapters.set(key, connected);
      // A failed login is not cached: the next request tries again.
      connected.catch(() => this.adapters.delete(key));
    }
    return connected;
  }

  private async create(account: BrokerAccount): Promise<Connected> {
    switch (account.broker) {
      case 'zerodha':
        return this.zerodha(account.accountId);
      case 'jainam':
        return this.jainam(account.accountId);
      case 'paper':
        throw new BrokerInputError('paper', 'paper accounts are not served by order-api', null);
    }
  }

  private zerodhaAdapter(accountId: string): ZerodhaAdapter {
    return new ZerodhaAdapter({
      accountId,
      apiKey: this.config.KITE_API_KEY,
      apiSecret: this.config.KITE_API_SECRET,
      rootUrl: this.config.KITE_ROOT_URL,
      wsUrl: null,
      timeoutMs: this.config.ORDER_BROKER_TIMEOUT,
      restCalls: this.restCalls,
    });
  }

  private async zerodha(accountId: string): Promise<Connected> {
    const adapter = this.zerodhaAdapter(accountId);
    let token: string | null = null;
    const login = async (): Promise<boolean> => {
      // The login flow (kite-login) stores it, until Kite's 06:00 IST cut-off.
      const stored = await this.sessions.kiteToken(accountId);
      if (stored && stored !== token) token = stored;
      else if (this.config.FILLWIRE_DEMO) token = (await adapter.generateSession(accountId)).accessToken;
      else return false;
      adapter.setAccessToken(token);
      return true;
    };
    if (!(await login())) {
      throw new BrokerAuthError(
        'zerodha',
        `no Kite session for ${accountId}: log in through the Kite login flow first (GET /v1/brokers/zerodha/login?accountId=${accountId})`,
        null,
      );
    }
    return { adapter, token: () => token, renew: () => login() };
  }

  private async jainam(accountId: string): Promise<Connected> {
    const adapter = new JainamAdapter({
      accountId,
      baseUrl: this.config.XTS_BASE_URL,
      appKey: this.config.XTS_APP_KEY,
      secretKey: this.config.XTS_SECRET_KEY,
      source: this.config.XTS_SOURCE,
      instruments: this.instruments,
      timeoutMs: this.config.ORDER_BROKER_TIMEOUT,
      socket: false,
      reloginOnAuthError: false,
      restCalls: this.restCalls,
    });
    adapter.rest.setSession(await this.xtsSession(adapter, null));
    const renew = async (failedToken: string | null): Promise<boolean> => {
      adapter.rest.setSession(await this.xtsSession(adapter, failedToken));
      return true;
    };
    return { adapter, token: () => adapter.rest.current?.token ?? null, renew };
  }

  /**
   * jainam-gateway owns the XTS login (a second login kills the session its socket uses), so we
   * adopt the session it publishes; only when none appears (no gateway running) do we log in, once
   * across processes, and publish ours for the gateway to adopt in turn.
   */
  private async xtsSession(adapter: JainamAdapter, failedToken: string | null): Promise<XtsSession> {
    try {
      return await this.sessions.adoptXtsSession(adapter.accountId, failedToken);
    } catch (error) {
      if (!(error instanceof BrokerAuthError)) throw error;
      return this.sessions.loginXtsOnce(
        adapter.accountId,
        () => adapter.rest.login(failedToken ?? undefined),
        failedToken,
      );
    }
  }
}
