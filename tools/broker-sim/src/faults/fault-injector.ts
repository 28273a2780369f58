import { z } from 'zod';
import { Prng } from '../engine/prng';

export const FAULT_CHANNELS = ['postback', 'ticker', 'xts-socket'] as const;
export type FaultChannel = (typeof FAULT_CHANNELS)[number];

export const ChannelFaultsSchema = z
  .object({
    /** Probability (0..1) that a message is never sent. */
    drop: z.number().min(0).max(1),
    /** Probability (0..1) that a message is sent twice. */
    duplicate: z.number().min(0).max(1),
    /** Reorder window: hold up to N messages, then release them in a shuffled order (0/1 = off). */
    reorder: z.number().int().min(0).max(100),
    /** Fixed delay before a message goes out, plus a uniform 0..jitterMs on top. */
    delayMs: z.number().int().min(0).max(60_000),
    jitterMs: z.number().int().min(0).max(60_000),
    /** Postback only: probability (0..1) that the checksum is wrong. */
    badChecksum: z.number().min(0).max(1),
  })
  .strict();
export type ChannelFaults = z.infer<typeof ChannelFaultsSchema>;

export const NO_FAULTS: ChannelFaults = {
  drop: 0,
  duplicate: 0,
  reorder: 0,
  delayMs: 0,
  jitterMs: 0,
  badChecksum: 0,
};

export interface ChannelStats {
  offered: number;
  sent: number;
  dropped: number;
  duplicated: number;
  delayed: number;
  reordered: number;
}

/** Actions a channel performs on request: close its sockets, end its sessions. */
export interface ChannelActions {
  /** Closes the channel's connections (of one user or all); returns how many. */
  disconnect?: (userId?: string) => number;
  /** Invalidates tokens (of one user or all); returns how many sessions ended. */
  expireTokens?: (userId?: string) => number;
}

interface Held {
  key: string;
  send: () => void;
}

const emptyStats = (): ChannelStats => ({
  offered: 0,
  sent: 0,
  dropped: 0,
  duplicated: 0,
  delayed: 0,
  reordered: 0,
});

/**
 * One fault injector shared by every push channel of the simulators (Kite postbacks, Kite ticker
 * order frames, XTS socket events), so a scenario applies the same way to all of them.
 *
 * API for channels:
 * - `faults.deliver(channel, key, send)`: hand over one message instead of sending it. `send` is
 *   called zero (drop), one or two (duplicate) times, now or later (delay/jitter, reorder window).
 *   `key` names the message's order (order id), for the journal. Never throws; `send` must not either.
 * - `faults.corruptChecksum(channel)`: postback only, true when this message should carry a bad checksum.
 * - `faults.register(channel, actions)`: the channel's disconnect / token-expiry hooks, run by
 *   `disconnect()` and `expireTokens()` (admin API `POST /_sim/faults`).
 * Settings: `set(channel, partial)`, `get()`, `clear()`; decisions come from a seeded PRNG.
 */
export class FaultInjector {
  private readonly settings = new Map<FaultChannel, ChannelFaults>();
  private readonly stats = new Map<FaultChannel, ChannelStats>();
  private readonly held = new Map<FaultChannel, Held[]>();
  private readonly flushTimers = new Map<FaultChannel, NodeJS.Timeout>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly actions = new Map<FaultChannel, ChannelActions[]>();
  private prng: Prng;

  constructor(
    private readonly seed = 1,
    /** How long a partly filled reorder window waits before it is released anyway. */
    private readonly reorderFlushMs = 200,
  ) {
    this.prng = new Prng(seed);
    this.clear();
  }

  set(channel: FaultChannel, partial: Partial<ChannelFaults>): ChannelFaults {
    const next = ChannelFaultsSchema.parse({ ...this.settingsOf(channel), ...partial });
    this.settings.set(channel, next);
    if (next.reorder <= 1) this.flush(channel);
    return next;
  }

  get(): Record<FaultChannel, ChannelFaults & { stats: ChannelStats; held: number }> {
    const out = {} as Record<FaultChannel, ChannelFaults & { stats: ChannelStats; held: number }>;
    for (const channel of FAULT_CHANNELS) {
      out[channel] = {
        ...this.settingsOf(channel),
        stats: { ...(this.stats.get(channel) ?? emptyStats()) },
        held: this.held.get(channel)?.length ?? 0,
      };
    }
    return out;
  }

  /** No faults, zeroed stats, a fresh PRNG; held messages are released first. */
  clear(): void {
    for (const channel of FAULT_CHANNELS) {
      this.settings.set(channel, { ...NO_FAULTS });
      this.flush(channel);
      this.stats.set(channel, emptyStats());
    }
    this.prng = new Prng(this.seed);
  }

  register(channel: FaultChannel, actions: ChannelActions): void {
    this.actions.set(channel, [...(this.actions.get(channel) ?? []), actions]);
  }

  disconnect(channel: FaultChannel, userId?: string): number {
    return (this.actions.get(channel) ?? []).reduce((n, a) => n + (a.disconnect?.(userId) ?? 0), 0);
  }

  expireTokens(channel: FaultChannel, userId?: string): number {
    return (this.actions.get(channel) ?? []).reduce((n, a) => n + (a.expireTokens?.(userId) ?? 0), 0);
  }

  corruptChecksum(channel: FaultChannel): boolean {
    return this.prng.chance(this.settingsOf(channel).badChecksum);
  }

  /** Bound, so it can be handed over as a plain function (`{ deliver: faults.deliver }`). */
  readonly deliver = (channel: FaultChannel, key: string, send: () => void): void => {
    const s = this.settingsOf(channel);
    const stats = this.statsOf(channel);
    stats.offered += 1;
    if (this.prng.chance(s.drop)) {
      stats.dropped += 1;
      return;
    }
    const copies = this.prng.chance(s.duplicate) ? 2 : 1;
    if (copies === 2) stats.duplicated += 1;
    for (let i = 0; i < copies; i++) {
      const delay = s.delayMs + (s.jitterMs > 0 ? this.prng.int(0, s.jitterMs) : 0);
      const out = () => this.hold(channel, key, () => this.sendCounted(channel, send));
      if (delay > 0) {
        stats.delayed += 1;
        this.later(delay, out);
      } else {
        out();
      }
    }
  };

  /** Releases held messages and cancels pending delays (shutdown). */
  close(): void {
    for (const channel of FAULT_CHANNELS) this.flush(channel);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private hold(channel: FaultChannel, key: string, send: () => void): void {
    const window = this.settingsOf(channel).reorder;
    if (window <= 1) return send();
    const held = this.held.get(channel) ?? [];
    held.push({ key, send });
    this.held.set(channel, held);
    if (held.length >= window) {
      this.flush(channel);
    } else if (!this.flushTimers.has(channel)) {
      const timer = setTimeout(() => {
        this.flushTimers.delete(channel);
        this.flush(channel);
      }, this.reorderFlushMs);
      this.flushTimers.set(channel, timer);
    }
  }

  /** Sends what the reorder window holds, shuffled (never in the original order when there are 2+). */
  private flush(channel: FaultChannel): void {
    const timer = this.flushTimers.get(channel);
    if (timer) clearTimeout(timer);
    this.flushTimers.delete(channel);
    const held = this.held.get(channel) ?? [];
    this.held.set(channel, []);
    if (held.length === 0) return;
    const shuffled = [...held];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = this.prng.int(0, i);
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    if (shuffled.length > 1 && shuffled.every((h, i) => h === held[i]))
      shuffled.push(shuffled.shift() as Held);
    if (shuffled.length > 1) this.statsOf(channel).reordered += shuffled.length;
    for (const h of shuffled) h.send();
  }

  private sendCounted(channel: FaultChannel, send: () => void): void {
    this.statsOf(channel).sent += 1;
    try {
      send();
    } catch {
      // A channel's send failing (socket gone) must not break the others.
    }
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private settingsOf(channel: FaultChannel): ChannelFaults {
    return this.settings.get(channel) ?? NO_FAULTS;
  }

  private statsOf(channel: FaultChannel): ChannelStats {
    let stats = this.stats.get(channel);
    if (!stats) {
      stats = emptyStats();
      this.stats.set(channel, stats);
    }
    return stats;
  }
}
