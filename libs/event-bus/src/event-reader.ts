import type { EventEnvelope } from '@fillwire/events';
import type Redis from 'ioredis';
import { busKeys, isEntryId, type BusKeys } from './bus-keys';
import { errorMessage, silentLogger, type BusLogger } from './bus-logger';
import { compileFilter, type EventFilter } from './event-filter';
import { consumerRedisOptions, createRedis } from './redis-connection';
import { decodeEnvelope, fieldsToRecord, type RawEntry } from './stream-entry';

export interface StreamEvent {
  /** The stream entry id: pass it back as `from` to resume after this event. */
  id: string;
  envelope: EventEnvelope;
}

export interface ReadOptions {
  /**
   * Start AFTER this entry id; `0` (default) = from the oldest retained entry, `$` = only events
   * published from now on.
   */
  from?: string;
  filter?: EventFilter;
  /** Keep waiting for new events (tail) instead of stopping at the end of the log. */
  follow?: boolean;
  /** Stop after yielding this many events. */
  limit?: number;
  batchSize?: number;
  blockMs?: number;
}

/**
 * Reads the event log from any id without a consumer group: replay, integrators, and instances
 * that must each see EVERY event (notifier). Invalid entries are skipped and logged.
 */
export class EventReader {
  private readonly keys: BusKeys;
  private readonly redis: Redis;
  private readonly logger: BusLogger;
  private closed = false;

  constructor(opts: { url: string; prefix: string; logger?: BusLogger }) {
    this.keys = busKeys(opts.prefix);
    this.logger = opts.logger ?? silentLogger;
    // Each reader has its own connection: a tail blocks it in XREAD.
    this.redis = createRedis(opts.url, consumerRedisOptions(), 'fillwire-reader');
  }

  /** Async iterator over the log; `break` out of it or call close() to stop a tail. */
  async *read(options: ReadOptions = {}): AsyncGenerator<StreamEvent, void, undefined> {
    const { filter, follow = false, limit = Infinity, batchSize = 500, blockMs = 5000 } = options;
    const accepts = compileFilter(filter);
    if (this.redis.status === 'wait') await this.redis.connect();
    let cursor = await this.resolveStart(options.from ?? '0');
    let yielded = 0;
    while (!this.closed && yielded < limit) {
      let entries: RawEntry[];
      try {
        entries = follow
          ? await this.xread(cursor, batchSize, blockMs)
          : await this.xrange(cursor, batchSize);
      } catch (err) {
        if (this.closed) return;
        throw err;
      }
      if (entries.length === 0) {
        if (follow) continue;
        return;
      }
      for (const [id, fields] of entries) {
        cursor = id;
        let envelope: EventEnvelope;
        try {
          envelope = decodeEnvelope(fieldsToRecord(fields).envelope);
        } catch (err) {
          this.logger.warn({ entryId: id, err: errorMessage(err) }, 'skipping invalid event log entry');
          continue;
        }
        if (!accepts(envelope)) continue;
        yield { id, envelope };
        if (++yielded >= limit) return;
      }
    }
  }

  /** `read()` starting after `from`: replay (`follow: false`) or tail (`follow: true`). */
  readFrom(
    from: string,
    options: Omit<ReadOptions, 'from'> = {},
  ): AsyncGenerator<StreamEvent, void, undefined> {
    return this.read({ ...options, from });
  }

  async close(): Promise<void> {
    this.closed = true;
    // Cuts a blocking XREAD short; nothing is lost, a reader keeps no state in Redis.
    this.redis.disconnect();
    return Promise.resolve();
  }

  /** `$` becomes the current last id, so nothing published between two reads slips through. */
  private async resolveStart(from: string): Promise<string> {
    if (from === '0' || from === '-' || from === '0-0') return '0-0';
    if (from === '$') {
      const last = (await this.redis.xrevrange(this.keys.events, '+', '-', 'COUNT', 1)) as RawEntry[];
      return last[0]?.[0] ?? '0-0';
    }
    if (!isEntryId(from)) throw new Error(`invalid entry id "${from}": expected <ms>-<seq>, 0 or $`);
    return from;
  }

  private async xrange(after: string, count: number): Promise<RawEntry[]> {
    return this.redis.xrange(this.keys.events, `(${after}`, '+', 'COUNT', count);
  }

  private async xread(after: string, count: number, blockMs: number): Promise<RawEntry[]> {
    const reply = (await this.redis.call(
      'XREAD',
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.keys.events,
      after,
    )) as [string, RawEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }
}
