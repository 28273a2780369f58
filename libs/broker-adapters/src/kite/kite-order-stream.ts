import WebSocket from 'ws';
import type { ConnectionState, TickRecord } from '../adapter.types';
import { isRecord } from '../parsing/safe';
import { KiteTickerTextFrameSchema } from './kite.schema';
import { decodeKiteTickFrame } from './kite-ticks';

/** Kite ticker packet modes (brokers.md §1.10). */
export type KiteTickMode = 'ltp' | 'quote' | 'full';

export interface KiteOrderStreamOptions {
  /** Ticker root: `wss://ws.kite.trade` or the simulator's `ws://127.0.0.1:3100` (KITE_WS_URL). */
  url: string;
  apiKey: string;
  accessToken: string;
  /** Instrument tokens to receive LTP ticks for (stop-loss/target prices). */
  tokens?: number[];
  /** Reconnect after this long without any frame; Kite sends a 1-byte heartbeat every ~1-2 s. */
  livenessMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** ± fraction of each delay, so many accounts do not reconnect in lockstep. */
  jitter?: number;
  handshakeTimeoutMs?: number;
  onOrder(data: unknown, receivedAt: number): void;
  onTicks?(ticks: TickRecord[], receivedAt: number): void;
  onState?(state: ConnectionState, reason: string | null): void;
  /** Frames we could not use and server `error` frames; the stream goes on. */
  onError?(message: string, raw: unknown): void;
  /** Server `message` frames (broker alerts). */
  onMessage?(data: unknown): void;
  now?: () => number;
}

/**
 * Kite ticker order updates on our own `ws` client instead of the official KiteTicker, because
 * KiteTicker keeps its socket and handlers in module-global state (one account per process) and its
 * disconnect() ends in process.exit(1) (brokers.md §7.1). Same protocol: `?api_key&access_token`,
 * `X-Kite-Version: 3`, text frames `{"type":"order"}` are order updates, binary frames are ticks,
 * 1-byte binary frames are heartbeats. Silence beyond `livenessMs` drops the socket; it reconnects
 * with exponential backoff and jitter and resubscribes (KiteTicker does not).
 */
export class KiteOrderStream {
  private socket: WebSocket | null = null;
  private stopped = true;
  private attempt = 0;
  private lastFrameAt = 0;
  private liveness: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private readonly tokens: Set<number>;
  private currentState: ConnectionState = 'disconnected';
  private readonly now: () => number;

  constructor(private readonly options: KiteOrderStreamOptions) {
    this.tokens = new Set(options.tokens ?? []);
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** Opens the socket; resolves on the first successful open or rejects on the first failure (then keeps retrying). */
  start(): Promise<void> {
    if (!this.stopped) return Promise.resolve();
    this.stopped = false;
    return new Promise((resolve, reject) => this.open(resolve, reject));
  }

  /** Closes for good (no reconnect); resolves once the socket is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.close(1000);
        setTimeout(() => {
          socket.terminate();
          resolve();
        }, 1000).unref();
      });
    }
    this.setState('disconnected', 'stopped');
  }

  subscribe(tokens: number[]): void {
    for (const t of tokens) this.tokens.add(t);
    this.sendSubscriptions(tokens);
  }

  /** Stops the ticks of these tokens (order updates need no subscription and keep coming). */
  unsubscribe(tokens: number[]): void {
    for (const t of tokens) this.tokens.delete(t);
    this.send({ a: 'unsubscribe', v: tokens }, tokens);
  }

  /**
   * Switches subscribed tokens to another packet mode (ltp 8 bytes, quote 44, full 184). Modes are
   * not remembered: a reconnect resubscribes in ltp, the cheapest, which is all our callers read.
   */
  setMode(mode: KiteTickMode, tokens: number[]): void {
    this.send({ a: 'mode', v: [mode, tokens] }, tokens);
  }

  /** The tokens ticks are delivered for (resubscribed after every reconnect). */
  get subscribed(): number[] {
    return [...this.tokens];
  }

  /** Forces a reconnect now (tests; an operator action). */
  reconnect(): void {
    this.socket?.terminate();
  }

  private open(onFirstOpen?: () => void, onFirstFailure?: (error: Error) => void): void {
    const { url, apiKey, accessToken } = this.options;
    const target = new URL(url);
    target.searchParams.set('api_key', apiKey);
    target.searchParams.set('access_token', accessToken);
    target.searchParams.set('uid', String(Date.now()));
    this.setState('connecting', null);
    const socket = new WebSocket(target, {
      headers: { 'X-Kite-Version': '3' },
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
    });
    this.socket = socket;
    let opened = false;

    socket.on('open', () => {
      opened = true;
      this.attempt = 0;
      this.lastFrameAt = Date.now();
      this.setState('connected', null);
      this.sendSubscriptions([...this.tokens]);
      this.armLiveness();
      onFirstOpen?.();
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      this.lastFrameAt = Date.now();
      const receivedAt = this.now();
      const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      if (isBinary) this.handleBinary(buffer, receivedAt);
      else this.handleText(buffer.toString('utf8'), receivedAt);
    });
    socket.on('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      const reason = `ticker handshake refused with HTTP ${status}`;
      socket.terminate();
      if (status === 401 || status === 403) {
        // A bad token will not heal by retrying: stop and let the owner log in again.
        this.stopped = true;
        this.setState('auth-failed', reason);
      }
      this.options.onError?.(reason, null);
      if (!opened) onFirstFailure?.(new Error(reason));
    });
    socket.on('error', (error: Error) => {
      this.options.onError?.(`ticker socket error: ${error.message}`, null);
      if (!opened) onFirstFailure?.(error);
    });
    socket.on('close', (code: number) => {
      if (this.socket === socket) this.socket = null;
      this.clearTimers();
      if (this.stopped) return;
      this.setState('disconnected', `closed (${code})`);
      this.scheduleReconnect();
    });
  }

  private handleBinary(buffer: Buffer, receivedAt: number): void {
    if (buffer.byteLength <= 1) return; // heartbeat
    const decoded = decodeKiteTickFrame(buffer);
    if (!decoded.ok) {
      this.options.onError?.(decoded.error, buffer.toString('base64'));
      return;
    }
    const wanted = decoded.value.filter((t) => this.tokens.has(t.instrumentToken));
    if (wanted.length > 0) this.options.onTicks?.(wanted, receivedAt);
  }

  private handleText(text: string, receivedAt: number): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.options.onError?.('ticker text frame is not JSON', text.slice(0, 2000));
      return;
    }
    const frame = KiteTickerTextFrameSchema.safeParse(json);
    if (!frame.success) {
      this.options.onError?.('ticker text frame without a type', json);
      return;
    }
    switch (frame.data.type) {
      case 'order':
        if (isRecord(frame.data.data)) this.options.onOrder(frame.data.data, receivedAt);
        else this.options.onError?.('ticker order frame without an order object', json);
        return;
      case 'error':
        this.options.onError?.(`ticker error frame: ${String(frame.data.data)}`, json);
        return;
      default:
        this.options.onMessage?.(frame.data.data);
    }
  }

  private sendSubscriptions(tokens: number[]): void {
    this.send({ a: 'subscribe', v: tokens }, tokens);
    this.send({ a: 'mode', v: ['ltp', tokens] }, tokens);
  }

  /** A client message now, if the socket is open (else the next open resubscribes from `tokens`). */
  private send(message: object, tokens: number[]): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN || tokens.length === 0) return;
    socket.send(JSON.stringify(message));
  }

  private armLiveness(): void {
    const limit = this.options.livenessMs ?? 7_000;
    this.liveness = setInterval(
      () => {
        if (Date.now() - this.lastFrameAt > limit) {
          this.options.onError?.(`no ticker frame for ${limit} ms; reconnecting`, null);
          this.socket?.terminate();
        }
      },
      Math.max(100, Math.floor(limit / 3)),
    );
    this.liveness.unref();
  }

  private scheduleReconnect(): void {
    const initial = this.options.initialBackoffMs ?? 1_000;
    const max = this.options.maxBackoffMs ?? 60_000;
    const jitter = this.options.jitter ?? 0.3;
    const base = Math.min(max, initial * 2 ** Math.min(this.attempt, 30));
    const delay = Math.max(0, Math.round(base * (1 + jitter * (Math.random() * 2 - 1))));
    this.attempt += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (!this.stopped) this.open();
    }, delay);
    this.retry.unref();
  }

  private clearTimers(): void {
    if (this.liveness) clearInterval(this.liveness);
    if (this.retry) clearTimeout(this.retry);
    this.liveness = null;
    this.retry = null;
  }

  private setState(state: ConnectionState, reason: string | null): void {
    if (state === this.currentState && reason === null) return;
    this.currentState = state;
    this.options.onState?.(state, reason);
  }
}
