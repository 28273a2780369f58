import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { BrokerAuthError } from '../broker-errors';
import type { XtsSession } from '../xts/xts-normalize';

const XtsSessionSchema = z.object({
  token: z.string().min(1),
  userID: z.string().nullable(),
  isInvestorClient: z.boolean(),
  clientCodes: z.array(z.string()),
});

const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface SharedBrokerSessionsOptions {
  /** FILLWIRE_PREFIX. */
  prefix: string;
  /** How long a process waits for another one's login before giving up; default 15 s. */
  loginWaitMs?: number;
  /** XTS tokens live a day; the shared copy a little less so nobody reuses an expired one. */
  xtsTtlSeconds?: number;
}

/**
 * Broker sessions shared between services through Redis: `<prefix>:broker-session:zerodha:<account>`
 * (a Kite access token) and `<prefix>:broker-session:jainam:<account>` (an XTS session as JSON).
 * XTS allows one session per key pair and a second login kills the first, so every process that
 * talks to an XTS account uses the one shared token, and a login happens at most once at a time
 * across processes (a Redis lock; the others wait for its result).
 */
export class SharedBrokerSessions {
  private readonly root: string;
  private readonly loginWaitMs: number;
  private readonly xtsTtl: number;

  constructor(
    private readonly redis: Redis,
    options: SharedBrokerSessionsOptions,
  ) {
    this.root = `${options.prefix}:broker-session`;
    this.loginWaitMs = options.loginWaitMs ?? 15_000;
    this.xtsTtl = options.xtsTtlSeconds ?? 20 * 3600;
  }

  async kiteToken(accountId: string): Promise<string | null> {
    return this.redis.get(`${this.root}:zerodha:${accountId}`);
  }

  /** Several accounts' Kite tokens in one round trip, in the order asked (null: none). */
  async kiteTokens(accountIds: readonly string[]): Promise<Array<string | null>> {
    if (accountIds.length === 0) return [];
    return this.redis.mget(accountIds.map((id) => `${this.root}:zerodha:${id}`));
  }

  /** The Kite token and when it lapses (epoch ms; null when stored without an expiry). */
  async kiteSession(accountId: string): Promise<{ token: string; expiresAt: number | null } | null> {
    const key = `${this.root}:zerodha:${accountId}`;
    const [token, ttl] = await Promise.all([this.redis.get(key), this.redis.pttl(key)]);
    if (token === null) return null;
    return { token, expiresAt: ttl >= 0 ? Date.now() + ttl : null };
  }

  /** Stores a Kite access token from the login flow until `expiresAt` (Kite's 06:00 IST cut-off). */
  async publishKiteToken(accountId: string, token: string, expiresAt: number): Promise<void> {
    const ttl = Math.max(1, Math.floor(expiresAt - Date.now()));
    await this.redis.set(`${this.root}:zerodha:${accountId}`, token, 'PX', ttl);
  }

  async xtsSession(accountId: string): Promise<XtsSession | null> {
    const json = await this.redis.get(`${this.root}:jainam:${accountId}`);
    if (json === null) return null;
    try {
      const parsed = XtsSessionSchema.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async publishXtsSession(accountId: string, session: XtsSession): Promise<void> {
    await this.redis.set(`${this.root}:jainam:${accountId}`, JSON.stringify(session), 'EX', this.xtsTtl);
  }

  /**
   * The shared XTS session unless it is the one that just failed (`failedToken`); otherwise waits
   * up to loginWaitMs for the session owner to publish a new one. Never logs in: for services that
   * must not take the session away from the one holding the socket.
   */
  async adoptXtsSession(accountId: string, failedToken?: string | null): Promise<XtsSession> {
    const deadline = Date.now() + this.loginWaitMs;
    for (;;) {
      const shared = await this.xtsSession(accountId);
      if (shared && shared.token !== failedToken) return shared;
      if (Date.now() >= deadline)
        throw new BrokerAuthError(
          'jainam',
          `no shared XTS session for ${accountId} (the gateway owns the login)`,
          null,
        );
      await sleep(200);
    }
  }

  /**
   * Logs in to XTS once across processes: returns the shared session unless it is `failedToken`;
   * else the process that takes the lock runs `login` and publishes the result, the others wait for it.
   */
  async loginXtsOnce(
    accountId: string,
    login: () => Promise<XtsSession>,
    failedToken?: string | null,
  ): Promise<XtsSession> {
    const lockKey = `${this.root}-lock:jainam:${accountId}`;
    const deadline = Date.now() + this.loginWaitMs;
    for (;;) {
      const shared = await this.xtsSession(accountId);
      if (shared && shared.token !== failedToken) return shared;
      const owner = randomUUID();
      if ((await this.redis.set(lockKey, owner, 'PX', this.loginWaitMs, 'NX')) === 'OK') {
        try {
          const again = await this.xtsSession(accountId);
          if (again && again.token !== failedToken) return again;
          const session = await login();
          await this.publishXtsSession(accountId, session);
          return session;
        } finally {
          await this.redis.eval(RELEASE_LOCK, 1, lockKey, owner);
        }
      }
      if (Date.now() >= deadline)
        throw new BrokerAuthError('jainam', `XTS login for ${accountId} did not finish in time`, null);
      await sleep(100);
    }
  }
}
