import { randomBytes, timingSafeEqual } from 'node:crypto';
import { sessionChecksum } from './kite-format';

export interface KiteUserConfig {
  userId: string;
  name: string;
  email: string;
}

export interface KiteSession {
  userId: string;
  accessToken: string;
  publicToken: string;
  loginTime: number;
}

export const DEFAULT_KITE_USERS: KiteUserConfig[] = [
  { userId: 'AB1234', name: 'Demo Trader', email: 'ab1234@example.com' },
  { userId: 'CD5678', name: 'Second Trader', email: 'cd5678@example.com' },
];

export type KiteLoginResult =
  { ok: true; session: KiteSession; user: KiteUserConfig } | { ok: false; message: string };

/** Kite's request tokens live "a few minutes" (brokers.md §1.2). */
export const REQUEST_TOKEN_TTL_MS = 5 * 60_000;

const sameHex = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Kite sessions. A request token is either one issued by the browser login (GET /connect/login),
 * exchanged once within REQUEST_TOKEN_TTL_MS, or the Kite user id itself (AB1234), so a gateway
 * logs in as a user without the browser step; the checksum is checked as Kite does.
 */
export class KiteSessionStore {
  private readonly byToken = new Map<string, KiteSession>();
  private readonly requestTokens = new Map<string, { userId: string; expiresAt: number }>();

  constructor(
    readonly apiKey: string,
    private readonly apiSecret: string,
    readonly users: readonly KiteUserConfig[] = DEFAULT_KITE_USERS,
    private readonly now: () => number = Date.now,
  ) {}

  user(userId: string): KiteUserConfig | undefined {
    return this.users.find((u) => u.userId === userId);
  }

  /** A fresh request token for the user (the browser login's redirect); undefined for an unknown user. */
  issueRequestToken(userId: string): string | undefined {
    if (!this.user(userId)) return undefined;
    const now = this.now();
    for (const [token, issued] of this.requestTokens)
      if (issued.expiresAt <= now) this.requestTokens.delete(token);
    const token = randomBytes(16).toString('hex');
    this.requestTokens.set(token, { userId, expiresAt: now + REQUEST_TOKEN_TTL_MS });
    return token;
  }

  login(apiKey: string, requestToken: string, checksum: string): KiteLoginResult {
    const issued = this.requestTokens.get(requestToken);
    const live = issued !== undefined && issued.expiresAt > this.now();
    const user = issued ? (live ? this.user(issued.userId) : undefined) : this.user(requestToken);
    if (apiKey !== this.apiKey) return { ok: false, message: 'Invalid `api_key`.' };
    if (!user) return { ok: false, message: 'Token is invalid or has expired.' };
    if (!sameHex(checksum.toLowerCase(), sessionChecksum(apiKey, requestToken, this.apiSecret))) {
      return { ok: false, message: 'Invalid `checksum`.' };
    }
    // An issued token is good for one session only.
    if (issued) this.requestTokens.delete(requestToken);
    const session: KiteSession = {
      userId: user.userId,
      accessToken: randomBytes(16).toString('hex'),
      publicToken: randomBytes(16).toString('hex'),
      loginTime: this.now(),
    };
    this.byToken.set(session.accessToken, session);
    return { ok: true, session, user };
  }

  /** The session for an api_key/access_token pair, if both are right. */
  get(apiKey: string | undefined, accessToken: string | undefined): KiteSession | undefined {
    if (apiKey !== this.apiKey || !accessToken) return undefined;
    return this.byToken.get(accessToken);
  }

  /** Parses `Authorization: token api_key:access_token`. */
  fromAuthorization(header: string | undefined): KiteSession | undefined {
    const match = /^token ([^:\s]+):(\S+)$/.exec(header?.trim() ?? '');
    return match ? this.get(match[1], match[2]) : undefined;
  }

  invalidate(accessToken: string): boolean {
    return this.byToken.delete(accessToken);
  }

  /** Token-expiry fault: every token of the user (or of everyone) stops working. */
  expire(userId?: string): KiteSession[] {
    const ended = [...this.byToken.values()].filter((s) => userId === undefined || s.userId === userId);
    for (const s of ended) this.byToken.delete(s.accessToken);
    return ended;
  }

  clear(): void {
    this.byToken.clear();
    this.requestTokens.clear();
  }
}
