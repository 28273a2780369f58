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

const sameHex = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Kite sessions. The request token of the simulator is the Kite user id itself (AB1234), so a
 * gateway logs in as a user without the browser step; the checksum is checked as Kite does.
 */
export class KiteSessionStore {
  private readonly byToken = new Map<string, KiteSession>();

  constructor(
    readonly apiKey: string,
    private readonly apiSecret: string,
    readonly users: readonly KiteUserConfig[] = DEFAULT_KITE_USERS,
    private readonly now: () => number = Date.now,
  ) {}

  user(userId: string): KiteUserConfig | undefined {
    return this.users.find((u) => u.userId === userId);
  }

  login(apiKey: string, requestToken: string, checksum: string): KiteLoginResult {
    const user = this.user(requestToken);
    if (apiKey !== this.apiKey) return { ok: false, message: 'Invalid `api_key`.' };
    if (!user) return { ok: false, message: 'Token is invalid or has expired.' };
    if (!sameHex(checksum.toLowerCase(), sessionChecksum(apiKey, requestToken, this.apiSecret))) {
      return { ok: false, message: 'Invalid `checksum`.' };
    }
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
  }
}
