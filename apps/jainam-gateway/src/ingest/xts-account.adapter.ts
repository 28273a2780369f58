import type { ConnectionState, JainamAdapter, TradeRecord } from '@fillwire/broker-adapters';
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

  constructor(readonly adapter: JainamAdapter) {}

  get accountId(): string {
    return this.adapter.accountId;
  }

  get loginCount(): number {
    return this.adapter.rest.loginCount;
  }

  async ensureSession(): Promise<void> {
    await this.adapter.rest.ensureSession();
  }

  async relogin(): Promise<void> {
    // The token that failed is the socket's; if a newer session exists, login() returns it as is.
    await this.adapter.rest.login(this.socketToken ?? this.adapter.rest.current?.token);
  }

  async connectSocket(): Promise<void> {
    this.socketToken = (await this.adapter.rest.ensureSession()).token;
    await this.adapter.connectSocket();
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
