import { HttpException, Inject, Injectable, Logger } from '@nestjs/common';
import {
  BrokerError,
  kiteSessionExpiresAt,
  SharedBrokerSessions,
  type KiteSession,
} from '@fillwire/broker-adapters';
import type { BrokerAccount, Principal } from '@fillwire/identity';
import { APP_CONFIG } from '@fillwire/observability';
import { BrokerAccountsService } from '../brokers/broker-accounts.service';
import type { OrderApiConfig } from '../config/order-api-config.schema';
import { brokerHttpError, notFound } from '../orders/api-error';
import { KiteLoginStateRepository, type KiteLoginBinding } from './kite-login-state.repository';
import type { KiteCallbackQuery } from './kite-login.schema';

/** How long a started login may take to come back from Kite (a user typing a password and TOTP). */
export const KITE_LOGIN_STATE_TTL_MS = 10 * 60_000;

export interface KiteLoginStates {
  create(binding: KiteLoginBinding, ttlMs: number): Promise<string>;
  consume(nonce: string): Promise<KiteLoginBinding | null>;
}
export interface KiteSessionExchange {
  kiteLogin(accountId: string, requestToken: string): Promise<KiteSession>;
}
export interface KiteSessionStore {
  kiteSession(accountId: string): Promise<{ token: string; expiresAt: number | null } | null>;
  publishKiteToken(accountId: string, token: string, expiresAt: number): Promise<void>;
}

export interface KiteLoginStart {
  accountId: string;
  /** Kite's login page with our app key and the state; the user's browser goes there. */
  loginUrl: string;
  /** Until when the state is accepted back. */
  stateExpiresAt: number;
}

export interface KiteLoginDone {
  userId: string;
  accountId: string;
  kiteUserName: string | null;
  expiresAt: number;
}

export interface KiteSessionStatus {
  accountId: string;
  broker: 'zerodha';
  active: boolean;
  expiresAt: number | null;
  /** Demo mode: order-api logs in to the simulator by itself when no session is stored. */
  demoLogin: boolean;
  loginPath: string;
}

/** 400 with the reason, for everything a user can get wrong in the login round trip. */
function refused(message: string): HttpException {
  return new HttpException({ statusCode: 400, error: 'Bad Request', message }, 400);
}

export const kiteLoginPath = (accountId: string): string =>
  `/v1/brokers/zerodha/login?accountId=${encodeURIComponent(accountId)}`;

/**
 * Kite Connect's daily login (brokers.md §1.2): send the user to Kite with a single-use state
 * bound to them and the account, take Kite's redirect back, exchange the request token, check it
 * is that account's Kite user, and share the access token with every service until Kite's 06:00
 * IST cut-off. Tokens are never logged.
 */
@Injectable()
export class KiteLoginService {
  private readonly logger = new Logger(KiteLoginService.name);

  constructor(
    @Inject(APP_CONFIG)
    private readonly config: Pick<OrderApiConfig, 'KITE_API_KEY' | 'KITE_LOGIN_URL' | 'FILLWIRE_DEMO'>,
    @Inject(KiteLoginStateRepository) private readonly states: KiteLoginStates,
    @Inject(BrokerAccountsService) private readonly kite: KiteSessionExchange,
    @Inject(SharedBrokerSessions) private readonly sessions: KiteSessionStore,
  ) {}

  async start(principal: Principal, accountId: string): Promise<KiteLoginStart> {
    const account = this.zerodhaAccount(principal, accountId);
    const state = await this.states.create(
      { userId: principal.userId, accountId: account.accountId },
      KITE_LOGIN_STATE_TTL_MS,
    );
    const url = new URL(this.config.KITE_LOGIN_URL);
    url.searchParams.set('v', '3');
    url.searchParams.set('api_key', this.config.KITE_API_KEY);
    // Kite echoes redirect_params back as query parameters of the redirect.
    url.searchParams.set('redirect_params', new URLSearchParams({ state }).toString());
    this.logger.log({ userId: principal.userId, accountId }, 'Kite login started');
    return { accountId, loginUrl: url.toString(), stateExpiresAt: Date.now() + KITE_LOGIN_STATE_TTL_MS };
  }

  async complete(query: KiteCallbackQuery): Promise<KiteLoginDone> {
    // Consumed before anything else: a state is good for one attempt, whatever its outcome.
    const binding = await this.states.consume(query.state);
    if (!binding)
      throw refused('this login link is unknown, already used or expired: start the Kite login again');
    const { userId, accountId } = binding;
    if (query.status !== 'success') {
      this.logger.warn({ userId, accountId, status: query.status }, 'Kite login not completed');
      throw refused(`Kite did not complete the login (status=${query.status}); nothing was stored`);
    }
    if (!query.request_token) throw refused('Kite sent no request_token; nothing was stored');

    let session: KiteSession;
    try {
      session = await this.kite.kiteLogin(accountId, query.request_token);
    } catch (error) {
      if (!(error instanceof BrokerError)) throw error;
      this.logger.warn(
        { userId, accountId, kind: error.kind, brokerCode: error.brokerCode },
        'Kite refused the login',
      );
      if (error.kind === 'auth' || error.kind === 'input')
        throw refused(`Kite refused the login: ${error.brokerMessage}`);
      throw brokerHttpError(error);
    }
    if (session.userId !== accountId) {
      this.logger.warn({ userId, accountId, kiteUserId: session.userId }, 'Kite login for another account');
      throw refused(
        `you logged in to Kite as ${session.userId}, but this login is for ${accountId}: log out of Kite and log in as ${accountId}; nothing was stored`,
      );
    }
    const expiresAt = kiteSessionExpiresAt(Date.now());
    await this.sessions.publishKiteToken(accountId, session.accessToken, expiresAt);
    this.logger.log(
      { userId, accountId, expiresAt: new Date(expiresAt).toISOString() },
      'Kite session stored',
    );
    return { userId, accountId, kiteUserName: session.userName, expiresAt };
  }

  async status(principal: Principal, accountId: string): Promise<KiteSessionStatus> {
    return this.statusOf(this.zerodhaAccount(principal, accountId).accountId);
  }

  /** Every Zerodha account of the caller (the dashboard's "Connect Zerodha" buttons). */
  async statuses(principal: Principal): Promise<KiteSessionStatus[]> {
    const accounts = principal.accounts.filter((a) => a.broker === 'zerodha');
    return Promise.all(accounts.map((a) => this.statusOf(a.accountId)));
  }

  private async statusOf(accountId: string): Promise<KiteSessionStatus> {
    const session = await this.sessions.kiteSession(accountId);
    return {
      accountId,
      broker: 'zerodha',
      active: session !== null,
      expiresAt: session?.expiresAt ?? null,
      demoLogin: this.config.FILLWIRE_DEMO,
      loginPath: kiteLoginPath(accountId),
    };
  }

  /** The caller's Zerodha account, or 404 (another user's account is indistinguishable from none). */
  private zerodhaAccount(principal: Principal, accountId: string): BrokerAccount {
    const account = principal.accounts.find((a) => a.accountId === accountId && a.broker === 'zerodha');
    if (!account) throw notFound(`no Zerodha account ${accountId}`);
    return account;
  }
}
