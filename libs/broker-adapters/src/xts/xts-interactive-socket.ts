import io from 'socket.io-client-v2';
import type { ConnectionState } from '../adapter.types';

export interface XtsInteractiveSocketOptions {
  origin: string;
  path: string;
  token: string;
  userID: string;
  /** Default websocket only, like the Python and Java SDKs; ['polling','websocket'] like the Node SDK. */
  transports?: string[];
  /** Give up on a connect that has not been `joined` in this time. */
  connectTimeoutMs?: number;
  /** Raw payloads (JSON strings) of the data events, with the time we received them. */
  onEvent(event: 'order' | 'trade' | 'position', payload: unknown, receivedAt: number): void;
  onState(state: ConnectionState, reason: string | null): void;
}

/**
 * One XTS interactive socket.io connection on the EIO=3 client (socket.io-client 2.x; the servers
 * speak socket.io v2). It does not reconnect by itself: the gateway owns the policy (backoff, re-login,
 * gap fill) and drives it through the state callbacks: connecting → connected (on `joined`) →
 * disconnected | logged-out (server `logout`: our session was replaced) | auth-failed (server
 * `error` before `joined`).
 */
export class XtsInteractiveSocket {
  private socket: ReturnType<typeof io> | null = null;
  private closedByUs = false;
  private joined = false;

  constructor(private readonly options: XtsInteractiveSocketOptions) {}

  get isJoined(): boolean {
    return this.joined;
  }

  /** Resolves on `joined`; rejects on a server `error`, a connect error or the timeout. */
  connect(): Promise<void> {
    const o = this.options;
    this.closedByUs = false;
    o.onState('connecting', null);
    const socket = io(o.origin, {
      path: o.path,
      query: { token: o.token, userID: o.userID, apiType: 'INTERACTIVE' },
      transports: o.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: o.connectTimeoutMs ?? 10_000,
    });
    this.socket = socket;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => {
          this.fail('disconnected', `not joined within ${o.connectTimeoutMs ?? 10_000} ms`);
          settle(new Error('XTS socket: not joined in time'));
        },
        (o.connectTimeoutMs ?? 10_000) + 500,
      );
      timer.unref();

      socket.on('joined', () => {
        this.joined = true;
        o.onState('connected', null);
        settle();
      });
      socket.on('error', (data: unknown) => {
        const reason = `server error: ${describe(data)}`;
        if (!this.joined) {
          this.fail('auth-failed', reason);
          settle(new Error(`XTS socket: ${reason}`));
        } else o.onState('connected', reason);
      });
      socket.on('connect_error', (error: unknown) => {
        this.fail('disconnected', `connect error: ${describe(error)}`);
        settle(new Error(`XTS socket: connect error: ${describe(error)}`));
      });
      socket.on('connect_timeout', () => {
        this.fail('disconnected', 'connect timeout');
        settle(new Error('XTS socket: connect timeout'));
      });
      socket.on('logout', () => this.fail('logged-out', 'server logout (session replaced or ended)'));
      socket.on('disconnect', (reason: unknown) => {
        this.joined = false;
        this.socket = null;
        if (!this.closedByUs) o.onState('disconnected', describe(reason));
        settle(new Error(`XTS socket: disconnected before joined (${describe(reason)})`));
      });
      for (const event of ['order', 'trade', 'position'] as const) {
        socket.on(event, (payload: unknown) =>
          o.onEvent(event, payload, performance.timeOrigin + performance.now()),
        );
      }
    });
  }

  close(): void {
    this.closedByUs = true;
    this.joined = false;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  private fail(state: ConnectionState, reason: string): void {
    this.options.onState(state, reason);
    this.close();
  }
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
