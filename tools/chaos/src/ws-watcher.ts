import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { z } from 'zod';

export const WATCHED_CHANNELS = ['orders', 'trades', 'positions'] as const;

/** The frames we read from the notifier; control frames have `id: null`. */
const FrameSchema = z.object({
  event: z.string(),
  id: z.string().nullable(),
  eventId: z.string().optional(),
});

export interface WatcherStats {
  user: string;
  /** Data frames received, duplicates included. */
  frames: number;
  /** Connections opened (the first one and every resume). */
  connections: number;
  /** Log entry ids received more than once (ids at or before `since` are ignored). */
  duplicateEntryIds: string[];
  /** Envelope ids received more than once. */
  duplicateEventIds: string[];
  /** `resync` frames: the notifier could not replay and sent a snapshot instead. */
  resyncs: number;
}

/**
 * One trader's screen: a WebSocket client on the notifier that subscribes to orders, trades and
 * positions and, whenever the socket drops (a notifier killed with SIGKILL), reconnects with the
 * last entry id it saw as `lastEventId`, as docs/websocket.md tells clients to. It records every
 * data frame so the run can check that each event arrived exactly once.
 */
export class WsWatcher {
  /** Log entry id → envelope id of every data frame, in arrival order (repeats kept in `frames`). */
  readonly seen = new Map<string, string>();
  private readonly eventIds = new Set<string>();
  private readonly stats: WatcherStats;
  private lastEventId: string | null = null;
  private socket: WebSocket | null = null;
  private closing = false;
  private subscribedOnce!: Promise<void>;

  constructor(
    private readonly urls: () => string[],
    private readonly apiKey: string,
    user: string,
    /** Entries at or before this id predate the run and are not counted. */
    private since = '0-0',
  ) {
    this.stats = {
      user,
      frames: 0,
      connections: 0,
      duplicateEntryIds: [],
      duplicateEventIds: [],
      resyncs: 0,
    };
  }

  /** Connects and resolves once the first subscription is confirmed. */
  start(): Promise<void> {
    this.subscribedOnce = new Promise((resolve) => void this.loop(resolve));
    return this.subscribedOnce;
  }

  /** Counts only entries after `id` (the log end when the load starts). */
  countFrom(id: string): void {
    this.since = id;
    for (const entryId of [...this.seen.keys()])
      if (compareEntryIds(entryId, id) <= 0) this.seen.delete(entryId);
  }

  get last(): string | null {
    return this.lastEventId;
  }

  report(): WatcherStats {
    return { ...this.stats, duplicateEntryIds: [...this.stats.duplicateEntryIds] };
  }

  async stop(): Promise<void> {
    this.closing = true;
    this.socket?.terminate();
    await sleep(0);
  }

  private async loop(subscribed: () => void): Promise<void> {
    let attempt = 0;
    while (!this.closing) {
      // Round robin over the notifier replicas: the one that died may still be restarting.
      const urls = this.urls();
      const url = urls[attempt % urls.length];
      attempt += 1;
      const closed = await this.connect(url, subscribed).catch(() => undefined);
      if (this.closing) return;
      // Brief pause before reconnecting; the notifier may still be booting.
      await sleep(closed === 'subscribed' ? 50 : 200);
    }
  }

  /** One connection's life; resolves when it closes, with whether it got as far as `subscribed`. */
  private connect(base: string, subscribed: () => void): Promise<'subscribed' | 'failed'> {
    return new Promise((resolve) => {
      const url = new URL(base);
      url.searchParams.set('token', this.apiKey);
      if (this.lastEventId) url.searchParams.set('lastEventId', this.lastEventId);
      const ws = new WebSocket(url);
      this.socket = ws;
      let ok = false;
      ws.on('open', () => {
        this.stats.connections += 1;
        ws.send(JSON.stringify({ action: 'subscribe', channels: WATCHED_CHANNELS }));
      });
      ws.on('message', (raw: Buffer) => {
        const parsed = FrameSchema.safeParse(JSON.parse(raw.toString('utf8')));
        if (!parsed.success) return;
        const frame = parsed.data;
        if (frame.event === 'subscribed') {
          ok = true;
          subscribed();
        } else if (frame.event === 'resync') {
          // A snapshot, not an event: it only moves the resume position.
          this.stats.resyncs += 1;
          if (frame.id !== null) this.lastEventId = frame.id;
        } else if (frame.id !== null) {
          this.onData(frame.id, frame.eventId ?? frame.id);
        }
      });
      ws.on('error', () => undefined);
      ws.on('close', () => resolve(ok ? 'subscribed' : 'failed'));
    });
  }

  private onData(entryId: string, eventId: string): void {
    this.lastEventId = entryId;
    if (compareEntryIds(entryId, this.since) <= 0) return;
    this.stats.frames += 1;
    if (this.seen.has(entryId)) this.stats.duplicateEntryIds.push(entryId);
    else this.seen.set(entryId, eventId);
    if (this.eventIds.has(eventId)) this.stats.duplicateEventIds.push(eventId);
    else this.eventIds.add(eventId);
  }
}

/** Stream entry ids `<ms>-<seq>` in log order (ids exceed 2^53, so compared as digit strings). */
export function compareEntryIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const digits = (x: string, y: string): number =>
    x.length !== y.length ? (x.length < y.length ? -1 : 1) : x === y ? 0 : x < y ? -1 : 1;
  return digits(am, bm) || digits(as, bs);
}
