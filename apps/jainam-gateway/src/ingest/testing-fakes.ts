import type { ConnectionState, TradeRecord } from '@fillwire/broker-adapters';
import { BrokerAuthError } from '@fillwire/broker-adapters';
import type { BrokerConnectionState, CanonicalOrder, Channel, EventEnvelope } from '@fillwire/events';
import type { ConnectionMetrics, IngestMetrics, UpdateKind } from './gateway-metrics.service';
import type { XtsAccountPort } from './xts-account.adapter';

/** Records what the services report (unit tests only). */
export class RecordingMetrics implements IngestMetrics, ConnectionMetrics {
  readonly calls: string[] = [];
  received(_a: string, c: Channel, k: UpdateKind) {
    this.calls.push(`received:${c}:${k}`);
  }
  duplicate(_a: string, k: UpdateKind) {
    this.calls.push(`duplicate:${k}`);
  }
  stale() {
    this.calls.push('stale');
  }
  correction(_a: string, k: UpdateKind) {
    this.calls.push(`correction:${k}`);
  }
  acked(c: Channel) {
    this.calls.push(`acked:${c}`);
  }
  publishFailed() {
    this.calls.push('publishFailed');
  }
  unusable(_a: string, c: string) {
    this.calls.push(`unusable:${c}`);
  }
  state(_a: string, s: BrokerConnectionState) {
    this.calls.push(`state:${s}`);
  }
  authFailure() {
    this.calls.push('authFailure');
  }
  reconnect() {
    this.calls.push('reconnect');
  }
  count(call: string): number {
    return this.calls.filter((c) => c === call).length;
  }
}

export class RecordingSink {
  readonly envelopes: EventEnvelope[] = [];
  failNext = 0;
  publish(envelope: EventEnvelope): Promise<unknown> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      return Promise.reject(new Error('redis down'));
    }
    this.envelopes.push(envelope);
    return Promise.resolve({ entryId: '1-0', duplicate: false });
  }
}

export const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** An XTS account whose answers the test scripts. */
export class FakeXtsAccount implements XtsAccountPort {
  readonly accountId = 'JN0001';
  loginCount = 0;
  loginError: Error | null = null;
  socketError: { state: ConnectionState; error: Error } | null = null;
  book: CanonicalOrder[] = [];
  history = new Map<string, CanonicalOrder[]>();
  tradeBook: TradeRecord[] = [];
  socketConnects = 0;
  private listener: ((state: ConnectionState, reason: string | null) => void) | null = null;

  ensureSession(): Promise<void> {
    return this.loginCount === 0 ? this.relogin() : Promise.resolve();
  }
  relogin(): Promise<void> {
    this.loginCount += 1;
    return this.loginError ? Promise.reject(this.loginError) : Promise.resolve();
  }
  connectSocket(): Promise<void> {
    this.socketConnects += 1;
    const failure = this.socketError;
    if (failure) {
      this.socketError = null;
      this.listener?.(failure.state, failure.error.message);
      return Promise.reject(failure.error);
    }
    this.listener?.('connected', null);
    return Promise.resolve();
  }
  disconnect(): Promise<void> {
    return Promise.resolve();
  }
  orderBook(): Promise<CanonicalOrder[]> {
    return Promise.resolve(this.book);
  }
  orderHistory(id: string): Promise<CanonicalOrder[]> {
    return Promise.resolve(this.history.get(id) ?? []);
  }
  trades(): Promise<TradeRecord[]> {
    return Promise.resolve(this.tradeBook);
  }
  onSocketState(listener: (state: ConnectionState, reason: string | null) => void): () => void {
    this.listener = listener;
    return () => (this.listener = null);
  }
  /** The server side: drop, logout, token refused. */
  push(state: ConnectionState, reason: string): void {
    this.listener?.(state, reason);
  }
}

export const authError = (message = 'Invalid appKey or secretKey') =>
  new BrokerAuthError('jainam', message, 'e-user-0005');
