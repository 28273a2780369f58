import { createHmac, randomBytes } from 'node:crypto';

export interface XtsUserConfig {
  appKey: string;
  secretKey: string;
  userID: string;
  /** Client codes returned at login; the first is the ClientID on orders. Default [userID]. */
  clientCodes?: string[];
  name?: string;
}

export interface XtsSession {
  token: string;
  userID: string;
  clientID: string;
  user: XtsUserConfig;
  issuedAt: number;
}

const b64url = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * One session per app key pair, like production: a new login replaces (and returns) the old one.
 * Tokens look like the JWTs XTS issues, signed with the user's secret key.
 */
export class XtsSessionStore {
  private readonly byToken = new Map<string, XtsSession>();
  private readonly tokenByPair = new Map<string, string>();

  constructor(
    private readonly users: readonly XtsUserConfig[],
    private readonly now: () => number = Date.now,
  ) {}

  findUser(appKey: string, secretKey: string): XtsUserConfig | undefined {
    return this.users.find((u) => u.appKey === appKey && u.secretKey === secretKey);
  }

  userById(userID: string): XtsUserConfig | undefined {
    return this.users.find((u) => u.userID === userID);
  }

  /** Opens a session; `replaced` is the session this login invalidated, if any. */
  login(user: XtsUserConfig, source: string): { session: XtsSession; replaced?: XtsSession } {
    const pair = `${user.appKey}\u0000${user.secretKey}`;
    const previous = this.tokenByPair.get(pair);
    const replaced = previous ? this.byToken.get(previous) : undefined;
    if (previous) this.byToken.delete(previous);
    const issuedAt = this.now();
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        userID: `${user.userID}_${user.appKey}`,
        publicKey: user.appKey,
        uniqueKey: randomBytes(8).toString('hex'),
        source,
        iat: Math.floor(issuedAt / 1000),
        exp: Math.floor(issuedAt / 1000) + 86_400,
      }),
    );
    const signature = b64url(createHmac('sha256', user.secretKey).update(`${header}.${payload}`).digest());
    const token = `${header}.${payload}.${signature}`;
    const session: XtsSession = {
      token,
      userID: user.userID,
      clientID: user.clientCodes?.[0] ?? user.userID,
      user,
      issuedAt,
    };
    this.byToken.set(token, session);
    this.tokenByPair.set(pair, token);
    return replaced ? { session, replaced } : { session };
  }

  get(token: string | undefined): XtsSession | undefined {
    return token ? this.byToken.get(token) : undefined;
  }

  logout(token: string): XtsSession | undefined {
    const session = this.byToken.get(token);
    if (!session) return undefined;
    this.byToken.delete(token);
    const pair = `${session.user.appKey}\u0000${session.user.secretKey}`;
    if (this.tokenByPair.get(pair) === token) this.tokenByPair.delete(pair);
    return session;
  }

  /** Ends every session (of one user, or all); returns the ended sessions. */
  expire(userID?: string): XtsSession[] {
    const ended = [...this.byToken.values()].filter((s) => userID === undefined || s.userID === userID);
    for (const session of ended) this.logout(session.token);
    return ended;
  }
}
