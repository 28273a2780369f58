import {
  BrokerAuthError,
  ConnectionStateMachine,
  isBrokerError,
  reconnectDelayMs,
  type ConnectionState,
} from '@fillwire/broker-adapters';
import { createEnvelope, type BrokerConnectionState, type EventEnvelope } from '@fillwire/events';
import type { ConnectionMetrics } from './gateway-metrics.service';
import type { OrderBookSyncService, UpdateEmitter } from './order-book-sync.service';
import type { IngestLogger } from './update-ingest.service';
import type { XtsAccountPort } from './xts-account.adapter';

export interface AccountConnectionOptions {
  port: XtsAccountPort;
  userId: string;
  /** Feature flag outcome: false = no socket, the books are polled. */
  eventDriven: boolean;
  sync: OrderBookSyncService;
  emitter: UpdateEmitter;
  /** broker.connected / broker.disconnected / broker.error; failures are logged, never thrown. */
  publishSystem(envelope: EventEnvelope): Promise<unknown>;
  metrics: ConnectionMetrics;
  logger: IngestLogger & { info(obj: object, msg: string): void };
  reconnectMinMs: number;
  reconnectMaxMs: number;
  maxAuthFailures: number;
  pollIntervalMs: number;
  /** setTimeout by default; returns a cancel function. */
  schedule?: (fn: () => void, ms: number) => () => void;
  now?: () => number;
  random?: () => number;
}

/** Logouts (another login took our session) counted within this window toward standing down. */
const LOGOUT_WINDOW_MS = 5 * 60_000;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * One Jainam account's connection policy: log in (single-flight in the adapter), open the socket,
 * gap-fill from the books, then synced. A dropped socket degrades to polling and reconnects with
 * exponential backoff and jitter; an invalid token or a `logout` leads to one new login; repeated
 * auth failures stand the account down with the reason on /ready and the bus. Each transition is
 * an explicit move of the state machine and is published.
 */
export class AccountConnectionService {
  readonly machine: ConnectionStateMachine;
  private readonly schedule: (fn: () => void, ms: number) => () => void;
  private readonly now: () => number;
  private epoch = 0;
  private attempt = 0;
  private cancelRetry: (() => void) | null = null;
  private stopped = false;
  private socketUp = false;
  private lastSocketState: ConnectionState | null = null;
  private needLogin = false;
  private loginFailures = 0;
  private logouts: number[] = [];
  private lastPollAt = 0;
  private polling: Promise<void> | null = null;
  private needsResync = false;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly o: AccountConnectionOptions) {
    this.now = o.now ?? Date.now;
    this.machine = new ConnectionStateMachine(this.now);
    this.schedule =
      o.schedule ??
      ((fn, ms) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      });
  }

  get accountId(): string {
    return this.o.port.accountId;
  }

  get state(): BrokerConnectionState {
    return this.machine.state;
  }

  /** Starts connecting; resolves when the first attempt has ended (synced, degraded or stood down). */
  start(): Promise<void> {
    this.stopped = false;
    this.unsubscribe = this.o.port.onSocketState((state, reason) => this.onSocketState(state, reason));
    this.o.metrics.state(this.accountId, this.machine.state);
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.epoch += 1;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.unsubscribe?.();
    this.socketUp = false;
    await this.o.port.disconnect();
    await this.polling;
    if (this.machine.can('disconnected')) await this.move('disconnected', 'gateway stopping');
  }

  /** `/ready` for this account: true when synced, else the state and why. */
  readiness(): true | string {
    const { state, reason } = this.machine;
    return state === 'synced' ? true : `${state}${reason ? `: ${reason}` : ''}`;
  }

  /** The bus did not take an update: resync from the books on the next tick. */
  requestResync(): void {
    this.needsResync = true;
  }

  /** The engine's timer: polls the books while the socket is down (or always, when not event-driven). */
  tick(): Promise<void> {
    if (this.stopped || this.polling) return this.polling ?? Promise.resolve();
    const state = this.machine.state;
    const socketDown =
      this.o.eventDriven && (state === 'degraded' || (state === 'connecting' && this.attempt > 0));
    const polledUser = !this.o.eventDriven && state === 'synced';
    const resync = this.needsResync && state === 'synced';
    const due = this.now() - this.lastPollAt >= this.o.pollIntervalMs;
    if (!resync && !((socketDown || polledUser) && due)) return Promise.resolve();
    this.needsResync = false;
    this.lastPollAt = this.now();
    this.polling = this.poll(resync ? 'reconciliation' : 'polling').finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async poll(channel: 'reconciliation' | 'polling'): Promise<void> {
    try {
      await this.o.sync.sync(this.o.port, channel, this.o.emitter);
    } catch (error) {
      this.o.logger.warn({ accountId: this.accountId, err: error, channel }, 'order book poll failed');
      if (error instanceof BrokerAuthError) {
        this.needLogin = true;
        if (!this.o.eventDriven && this.machine.state === 'synced') this.drop(`poll: ${describe(error)}`, 0);
      }
      if (channel === 'reconciliation') this.needsResync = true;
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped || !this.machine.can('connecting')) return;
    const epoch = ++this.epoch;
    this.cancelRetry = null;
    if (this.attempt > 0) this.o.metrics.reconnect(this.accountId);
    await this.move('connecting', this.attempt > 0 ? `reconnect attempt ${this.attempt}` : null);
    try {
      if (this.needLogin) await this.o.port.relogin();
      else await this.o.port.ensureSession();
      this.needLogin = false;
      this.loginFailures = 0;
    } catch (error) {
      return this.failed(epoch, error, true);
    }
    if (this.o.eventDriven) {
      try {
        await this.openSocket();
      } catch (error) {
        return this.failed(epoch, error, false);
      }
    }
    if (epoch !== this.epoch) return;
    this.socketUp = this.o.eventDriven;
    await this.move('connected', null, { attempt: this.attempt });
    try {
      await this.o.sync.sync(this.o.port, this.o.eventDriven ? 'reconciliation' : 'polling', this.o.emitter);
      this.lastPollAt = this.now();
    } catch (error) {
      if (epoch !== this.epoch) return;
      if (error instanceof BrokerAuthError) this.needLogin = true;
      this.socketUp = false;
      return this.drop(`gap fill failed: ${describe(error)}`);
    }
    if (epoch !== this.epoch || this.machine.state !== 'connected') return;
    await this.move('synced', null, { attempt: this.attempt });
    this.attempt = 0;
  }

  /** Opens the socket; an invalid token (socket `error` before `joined`) gets one new login and one retry. */
  private async openSocket(): Promise<void> {
    this.lastSocketState = null;
    try {
      await this.o.port.connectSocket();
    } catch (error) {
      if (this.lastSocketState !== 'auth-failed') throw error;
      this.o.metrics.authFailure(this.accountId);
      this.o.logger.warn(
        { accountId: this.accountId, err: error },
        'XTS socket refused the token; logging in again',
      );
      await this.o.port.relogin();
      this.lastSocketState = null;
      await this.o.port.connectSocket();
    }
  }

  private async failed(epoch: number, error: unknown, atLogin: boolean): Promise<void> {
    if (epoch !== this.epoch || this.stopped) return;
    const reason = describe(error);
    const auth = error instanceof BrokerAuthError || this.lastSocketState === 'auth-failed';
    if (auth) {
      this.needLogin = true;
      this.o.metrics.authFailure(this.accountId);
      if (atLogin) this.loginFailures += 1;
      await this.publishError(reason, isBrokerError(error) ? error.brokerCode : null, false);
      if (this.loginFailures >= this.o.maxAuthFailures) {
        return this.standDown(
          `login refused ${this.loginFailures} times in a row: ${reason}`,
          isBrokerError(error) ? error.brokerCode : null,
        );
      }
    }
    this.o.logger.warn(
      { accountId: this.accountId, err: error, attempt: this.attempt },
      'XTS connect attempt failed',
    );
    this.drop(reason);
  }

  private onSocketState(state: ConnectionState, reason: string | null): void {
    this.lastSocketState = state;
    if (!this.socketUp || this.stopped) return;
    if (state !== 'disconnected' && state !== 'logged-out' && state !== 'auth-failed') return;
    this.socketUp = false;
    if (state === 'disconnected') {
      this.drop(`socket closed: ${reason ?? 'unknown'}`);
      return;
    }
    // logout (our session was replaced) or a refused token: one new login, at once.
    this.needLogin = true;
    this.o.metrics.authFailure(this.accountId);
    void this.publishError(
      `${state}: ${reason ?? ''}`.trim(),
      state === 'logged-out' ? 'logout' : 'invalid-token',
      false,
    );
    if (state === 'logged-out') {
      const now = this.now();
      this.logouts = [...this.logouts.filter((t) => now - t < LOGOUT_WINDOW_MS), now];
      if (this.logouts.length >= this.o.maxAuthFailures) {
        void this.standDown(
          `session replaced by another login ${this.logouts.length} times within 5 min (a second XTS login kills the first)`,
          'logout',
        );
        return;
      }
    }
    this.drop(`socket ${state}: ${reason ?? 'unknown'}`, 0);
  }

  /** Socket down: degrade (polling takes over on the timer) and reconnect after the backoff. */
  private drop(reason: string, delayMs?: number): void {
    if (this.stopped || this.machine.state === 'stood-down') return;
    this.epoch += 1;
    this.attempt += 1;
    const retryInMs =
      delayMs ??
      reconnectDelayMs(this.attempt, {
        minMs: this.o.reconnectMinMs,
        maxMs: this.o.reconnectMaxMs,
        random: this.o.random,
      });
    const moved = this.machine.can('degraded')
      ? this.move('degraded', reason, { retryInMs })
      : Promise.resolve();
    this.cancelRetry?.();
    this.cancelRetry = this.schedule(() => void moved.then(() => this.connect()), retryInMs);
  }

  private async standDown(reason: string, code: string | null): Promise<void> {
    this.epoch += 1;
    this.socketUp = false;
    this.cancelRetry?.();
    this.cancelRetry = null;
    this.o.logger.error(
      { accountId: this.accountId, reason },
      'XTS account stood down: operator action needed',
    );
    await this.move('stood-down', reason, { retryInMs: null });
    await this.publishError(reason, code, true);
    await this.o.port.disconnect().catch(() => undefined);
  }

  private async move(
    to: BrokerConnectionState,
    reason: string | null,
    extra: { attempt?: number; retryInMs?: number | null } = {},
  ): Promise<void> {
    this.machine.moveTo(to, reason);
    this.o.metrics.state(this.accountId, to);
    this.o.logger.info({ accountId: this.accountId, state: to, reason }, 'XTS connection state');
    const base = {
      broker: 'jainam' as const,
      accountId: this.accountId,
      state: to,
      reason,
      channel: this.o.eventDriven ? ('socket' as const) : ('polling' as const),
    };
    switch (to) {
      case 'connecting':
        return;
      case 'connected':
      case 'synced':
        return this.publish(
          createEnvelope('broker.connected', { ...base, attempt: extra.attempt ?? 0 }, this.meta()),
        );
      case 'degraded':
      case 'stood-down':
      case 'disconnected':
        return this.publish(
          createEnvelope('broker.disconnected', { ...base, retryInMs: extra.retryInMs ?? null }, this.meta()),
        );
    }
  }

  private publishError(reason: string, code: string | null, fatal: boolean): Promise<void> {
    const data = {
      broker: 'jainam' as const,
      accountId: this.accountId,
      state: this.machine.state,
      reason,
      channel: 'socket' as const,
      code,
      fatal,
    };
    return this.publish(createEnvelope('broker.error', data, this.meta()));
  }

  private meta() {
    return {
      source: 'jainam-gateway' as const,
      userId: this.o.userId,
      channel: this.o.eventDriven ? ('socket' as const) : ('polling' as const),
    };
  }

  private async publish(envelope: EventEnvelope): Promise<void> {
    try {
      await this.o.publishSystem(envelope);
    } catch (error) {
      this.o.logger.warn(
        { accountId: this.accountId, eventId: envelope.id, type: envelope.type, err: error },
        'could not publish a broker connection event',
      );
    }
  }
}
