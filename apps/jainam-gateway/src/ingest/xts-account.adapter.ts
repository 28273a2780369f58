import type { ConnectionState, JainamAdapter, TradeRecord, XtsSession } from '@fillwire/broker-adapters';
import type { CanonicalOrder } from '@fillwire/events';

/** The technology an account's connection service drives (a fake in unit tests). */
export interface XtsAccountPort {
  readonly accountId: string;
  /** Logs in unless a session exists. */
  ensureSession(): Promise<void>;
  /**
   * Logs in again because the session the socket used is dead, unless a newer session already
   * replaced it (single-flight inside: never two XTS logins at once).
   */
  relogin(): Promise<void>;
  connectSocket(): Promise<void>;
  disconnect(): Promise<void>;
  orderBook(): Promise<CanonicalOrder[]>;
  orderHistory(brokerOrderId: string): Promise<CanonicalOrder[]>;
  trades(): Promise<TradeRecord[]>;
  onSocketState(listener: (state: ConnectionState, reason: string | null) => void): () => void;
  readonly loginCount: number;
}

/** XtsAccountPort over the shared JainamAdapter. */
export class XtsAccountAdapter implements XtsAccountPort {
  private socketToken: string | undefined;

  /**
   * `share` publishes each session this gateway holds (SharedBrokerSessions), so other services use
   * its token instead of logging in and killing the socket's session (XTS allows one per key pair).
   */
  constructor(
    readonly adapter: JainamAdapter,
    private readonly share: (session: XtsSession) => Promise<void> = () => Promise.resolve(),
  ) {}

  get accountId(): string {
    return this.adapter.accountId;
  }

  get loginCount(): number {
    return this.adapter.rest.loginCount;
  }

  async ensureSession(): Promise<void> {
    await this.shared(await this.adapter.rest.ensureSession());
  }

  async relogin(): Promise<void> {
    // The token that failed is the socket's; if a newer session exists, login() returns it as is.
    await this.shared(await this.adapter.rest.login(this.socketToken ?? this.adapter.rest.current?.token));
  }

  async connectSocket(): Promise<void> {
    const session = await this.adapter.rest.ensureSession();
    this.socketToken = session.token;
    await this.shared(session);
    await this.adapter.connectSocket();
  }

  /** Sharing is best effort: the socket must not depend on it. */
  private async shared(session: XtsSession): Promise<void> {
    await this.share(session).catch(() => undefined);
  }

  disconnect(): Promise<void> {
    return this.adapter.disconnect();
  }

  orderBook(): Promise<CanonicalOrder[]> {
    return this.adapter.getOrderBook();
  }

  orderHistory(brokerOrderId: string): Promise<CanonicalOrder[]> {
    return this.adapter.getOrderHistory(brokerOrderId);
  }

  trades(): Promise<TradeRecord[]> {
    return this.adapter.getTrades();
  }

  onSocketState(listener: (state: ConnectionState, reason: string | null) => void): () => void {
    return this.adapter.onStateChange(listener);
  }
}
