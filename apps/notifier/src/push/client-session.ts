import type { Broker } from '@fillwire/events';
import { compareEntryIds, type PushChannel, type PushEvent } from './push-frames';

/** Close codes of the push protocol (docs/websocket.md). */
export const CLOSE_CODES = {
  /** No valid session token or API key in the handshake or within the first-message timeout. */
  unauthorized: 4401,
  /** The client did not read fast enough: its send buffer or catch-up queue went over the bound. */
  tooSlow: 4408,
  /** The server is shutting down; reconnect (to another replica) with lastEventId. */
  goingAway: 1001,
} as const;

/** The part of a `ws` WebSocket a session uses (a fake in unit tests). */
export interface PushSocket {
  readonly bufferedAmount: number;
  readonly readyState: number;
  send(text: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
}

export interface SocketIdentity {
  userId: string;
  accountIds: readonly string[];
  /** The same accounts with their broker (portfolio state is keyed by both). */
  accounts: ReadonlyArray<{ broker: Broker; accountId: string }>;
}

export interface SessionLimits {
  maxBufferedBytes: number;
  maxQueuedFrames: number;
}

const OPEN = 1;

/**
 * One authenticated socket: what it subscribed to, and its send path. Frames go out strictly in
 * log order and at most once (every data frame's entry id must be after the last one sent), which
 * is what makes the seam between a resume's catch-up read and the live tail safe.
 */
export class ClientSession {
  readonly accountIds: ReadonlySet<string>;
  private readonly channels = new Set<PushChannel>();
  private accountFilter: ReadonlySet<string> | null = null;
  private catchingUp = false;
  private readonly pending: PushEvent[] = [];
  private lastSentId = '0-0';
  private closed = false;
  alive = true;

  constructor(
    readonly socket: PushSocket,
    readonly identity: SocketIdentity,
    private readonly limits: SessionLimits,
    private readonly onSlow: (session: ClientSession, why: string) => void,
  ) {
    this.accountIds = new Set(identity.accountIds);
  }

  get userId(): string {
    return this.identity.userId;
  }

  get subscribed(): { channels: PushChannel[]; accounts: string[] } {
    return { channels: [...this.channels], accounts: [...(this.accountFilter ?? this.accountIds)] };
  }

  get lastEventId(): string {
    return this.lastSentId;
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === OPEN;
  }

  subscribe(channels: readonly PushChannel[], accounts?: readonly string[]): void {
    for (const c of channels) this.channels.add(c);
    if (accounts) this.accountFilter = new Set(accounts);
  }

  unsubscribe(channels: readonly PushChannel[]): void {
    for (const c of channels) this.channels.delete(c);
  }

  /** Own events only: by account when the event has one, else by user. */
  accepts(event: PushEvent): boolean {
    if (!this.channels.has(event.channel)) return false;
    if (event.accountId !== undefined) {
      if (!this.accountIds.has(event.accountId)) return false;
      return this.accountFilter === null || this.accountFilter.has(event.accountId);
    }
    return event.userId !== undefined && event.userId === this.userId;
  }

  /** A live event from the tail: sent now, or held while a catch-up read is running. */
  offer(event: PushEvent): boolean {
    if (this.closed || !this.accepts(event)) return false;
    if (this.catchingUp) {
      if (this.pending.length >= this.limits.maxQueuedFrames) {
        this.slow(`more than ${this.limits.maxQueuedFrames} frames queued while catching up`);
        return false;
      }
      this.pending.push(event);
      return false;
    }
    return this.sendData(event);
  }

  /** Live events are held from now until endCatchUp(). */
  beginCatchUp(): void {
    this.catchingUp = true;
  }

  /** Sends an event read from the log during catch-up (same ordering rule as live ones). */
  replay(event: PushEvent): boolean {
    if (this.closed || !this.accepts(event)) return false;
    return this.sendData(event);
  }

  /** Sends what the tail delivered meanwhile (duplicates of the catch-up are skipped), then goes live. */
  endCatchUp(): void {
    this.catchingUp = false;
    const held = this.pending.splice(0);
    for (const event of held) if (!this.sendData(event)) if (this.closed) return;
  }

  /** Data frames from now on must come after this entry id (a resync snapshot's position). */
  skipTo(entryId: string): void {
    if (compareEntryIds(entryId, this.lastSentId) > 0) this.lastSentId = entryId;
  }

  /** A control frame (authenticated, subscribed, error, resync, pong); never counted as data. */
  sendControl(frame: object): void {
    if (!this.isOpen) return;
    this.socket.send(JSON.stringify(frame));
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    this.socket.close(code, reason);
  }

  markClosed(): void {
    this.closed = true;
    this.pending.length = 0;
  }

  private sendData(event: PushEvent): boolean {
    if (!this.isOpen) return false;
    if (compareEntryIds(event.entryId, this.lastSentId) <= 0) return false;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.slow(`send buffer over ${this.limits.maxBufferedBytes} bytes`);
      return false;
    }
    this.socket.send(event.text);
    this.lastSentId = event.entryId;
    return true;
  }

  private slow(why: string): void {
    this.onSlow(this, why);
  }
}
