import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { busKeys, entryIdTime, type BusKeys } from './bus-keys';
import { errorMessage, silentLogger, type BusLogger } from './bus-logger';
import { BusMetrics } from './bus-metrics';
import { DEFAULT_RETENTION, type Retention } from './bus-options.schema';
import { consumerRedisOptions, createRedis } from './redis-connection';
import { fieldsToRecord } from './stream-entry';

export interface GroupLag {
  group: string;
  consumers: number;
  /** Delivered, not acked. */
  pending: number;
  /** In the log, not yet delivered to the group (null when Redis cannot tell, e.g. after deletions). */
  lag: number | null;
  lastDeliveredId: string;
  /** Age of the oldest entry the group has not handled yet. */
  oldestUnhandledAgeMs: number | null;
  /** Share of the retention the group's backlog uses; at 1 entries are trimmed before the group handles them. */
  retentionRatio: number;
}

export interface LogStatus {
  length: number;
  groups: GroupLag[];
  deadLetters: number;
}

/**
 * Watches every consumer group of the log against the retention: updates the lag, pending and
 * log-length gauges and calls `onAlert` when a group's backlog reaches `alertRatio` of what the
 * retention keeps (lag + pending entries for length retention, age of the oldest unhandled entry
 * for time retention).
 */
export class LagMonitor {
  private readonly keys: BusKeys;
  private readonly redis: Redis;
  private readonly ownsRedis: boolean;
  private readonly retention: Retention;
  private readonly alertRatio: number;
  private readonly onAlert?: (lag: GroupLag) => void;
  private readonly metrics?: BusMetrics;
  private readonly logger: BusLogger;
  private timer?: NodeJS.Timeout;

  constructor(opts: {
    url?: string;
    redis?: Redis;
    prefix: string;
    retention?: Retention;
    alertRatio?: number;
    onAlert?: (lag: GroupLag) => void;
    registry?: Registry;
    logger?: BusLogger;
  }) {
    this.keys = busKeys(opts.prefix);
    if (opts.redis) this.redis = opts.redis;
    else if (opts.url) this.redis = createRedis(opts.url, consumerRedisOptions(), 'fillwire-lag-monitor');
    else throw new Error('LagMonitor needs a url or a redis connection');
    this.ownsRedis = !opts.redis;
    this.retention = opts.retention ?? DEFAULT_RETENTION;
    this.alertRatio = opts.alertRatio ?? 0.8;
    this.onAlert = opts.onAlert;
    this.metrics = opts.registry ? new BusMetrics(opts.registry) : undefined;
    this.logger = opts.logger ?? silentLogger;
  }

  start(intervalMs = 15_000): void {
    this.timer ??= setInterval(() => {
      this.check().catch((err: unknown) =>
        this.logger.warn({ err: errorMessage(err) }, 'event bus lag check failed'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  async check(now = Date.now()): Promise<LogStatus> {
    if (this.redis.status === 'wait') await this.redis.connect();
    const [length, deadLetters] = await Promise.all([
      this.redis.xlen(this.keys.events),
      this.redis.xlen(this.keys.dlq),
    ]);
    let rows: unknown[][] = [];
    try {
      rows = (await this.redis.call('XINFO', 'GROUPS', this.keys.events)) as unknown[][];
    } catch (err) {
      if (!errorMessage(err).includes('no such key')) throw err;
    }
    const groups: GroupLag[] = [];
    for (const row of rows) groups.push(await this.groupLag(fieldsToRecord(row.map(infoValue)), now));

    this.metrics?.logLength.set(length);
    this.metrics?.deadLetters.set(deadLetters);
    for (const g of groups) {
      this.metrics?.groupPending.set({ group: g.group }, g.pending);
      if (g.lag !== null) this.metrics?.groupLag.set({ group: g.group }, g.lag);
      this.metrics?.retentionUsage.set({ group: g.group }, g.retentionRatio);
      if (g.retentionRatio >= this.alertRatio) {
        this.logger.error(
          { ...g },
          'consumer group backlog is close to the log retention: events may be lost',
        );
        this.onAlert?.(g);
      }
    }
    return { length, groups, deadLetters };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.ownsRedis) this.redis.disconnect();
    return Promise.resolve();
  }

  private async groupLag(info: Record<string, string>, now: number): Promise<GroupLag> {
    const pending = Number(info.pending);
    const lag = info.lag === '' || info.lag === undefined ? null : Number(info.lag);
    const lastDeliveredId = info['last-delivered-id'];
    // The oldest unhandled entry is the oldest pending one or, when none is pending, the first undelivered one.
    let oldestId: string | undefined;
    if (pending > 0) {
      const summary = (await this.redis.call('XPENDING', this.keys.events, info.name)) as [
        number,
        string | null,
        ...unknown[],
      ];
      oldestId = summary[1] ?? undefined;
    }
    if (!oldestId && lag !== 0) {
      const next = (await this.redis.xrange(this.keys.events, `(${lastDeliveredId}`, '+', 'COUNT', 1)) as [
        string,
        string[],
      ][];
      oldestId = next[0]?.[0];
    }
    const oldestUnhandledAgeMs = oldestId ? Math.max(0, now - entryIdTime(oldestId)) : null;
    const retentionRatio =
      'maxLen' in this.retention
        ? ((lag ?? 0) + pending) / this.retention.maxLen
        : (oldestUnhandledAgeMs ?? 0) / this.retention.maxAgeMs;
    return {
      group: info.name,
      consumers: Number(info.consumers),
      pending,
      lag,
      lastDeliveredId,
      oldestUnhandledAgeMs,
      retentionRatio,
    };
  }
}

/** XINFO replies mix strings, integers and nil. */
function infoValue(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
