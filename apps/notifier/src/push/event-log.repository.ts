import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { busKeys, EventReader, isEntryId } from '@fillwire/event-bus';
import type { EventEnvelope } from '@fillwire/events';
import { APP_CONFIG, REDIS_CLIENT } from '@fillwire/observability';
import type Redis from 'ioredis';
import type { NotifierConfig } from '../config/notifier-config.schema';
import { compareEntryIds } from './push-frames';

export type LogListener = (entryId: string, envelope: EventEnvelope) => void;

export interface CatchUpResult {
  /** Entries read (every type, before any per-client filtering). */
  read: number;
  /** The last entry id read, or `from` when there was nothing. */
  lastId: string;
  /** True when the read stopped at `limit` before reaching the end of the log. */
  truncated: boolean;
}

/**
 * The event log as this notifier instance sees it: a group-less tail (every instance reads every
 * event for its own clients), reads from any id for resumes, and the log's retention window.
 */
@Injectable()
export class EventLogRepository {
  private readonly logger = new Logger(EventLogRepository.name);
  private readonly stream: string;
  private tailReader?: EventReader;
  private tailing?: Promise<void>;
  private stopped = false;
  private lastTailId = '$';

  constructor(
    @Inject(APP_CONFIG) private readonly config: NotifierConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {
    this.stream = busKeys(config.FILLWIRE_PREFIX).events;
  }

  /**
   * Follows the log from its current end and calls `listener` for every entry, in order. Resolves
   * once the start position is fixed, so nothing published afterwards is missed. A broken Redis
   * connection is retried from the last entry seen.
   */
  async startTail(listener: LogListener): Promise<void> {
    this.lastTailId = await this.position();
    this.tailing = this.tailLoop(listener);
  }

  async stopTail(): Promise<void> {
    this.stopped = true;
    await this.tailReader?.close();
    await this.tailing;
  }

  /** The id of the newest entry, `0-0` for an empty log. */
  async position(): Promise<string> {
    const last = (await this.redis.xrevrange(this.stream, '+', '-', 'COUNT', 1)) as [string, string[]][];
    return last[0]?.[0] ?? '0-0';
  }

  /**
   * True when entries after `entryId` may have been trimmed away: the log has lost entries
   * (entries-added > length) and `entryId` is before the oldest one kept.
   */
  async lostAfter(entryId: string): Promise<boolean> {
    let info: unknown[];
    try {
      info = (await this.redis.call('XINFO', 'STREAM', this.stream)) as unknown[];
    } catch (err) {
      if (String(err).includes('no such key')) return false;
      throw err;
    }
    const fields = new Map<string, unknown>();
    for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1]);
    const length = Number(fields.get('length'));
    const added = Number(fields.get('entries-added'));
    if (!(added > length)) return false;
    const first = fields.get('first-entry') as [string, string[]] | null;
    const firstId = first?.[0] ?? String(fields.get('last-generated-id'));
    return compareEntryIds(entryId, firstId) < 0;
  }

  /** Reads every entry after `from` up to the end of the log (or `limit` entries). */
  async readAfter(from: string, listener: LogListener, limit: number): Promise<CatchUpResult> {
    if (!isEntryId(from)) throw new Error(`invalid lastEventId "${from}"`);
    const reader = new EventReader({ url: this.config.REDIS_URL, prefix: this.config.FILLWIRE_PREFIX });
    let read = 0;
    let lastId = from;
    try {
      for await (const { id, envelope } of reader.read({ from, limit: limit + 1 })) {
        if (read === limit) return { read, lastId, truncated: true };
        read++;
        lastId = id;
        listener(id, envelope);
      }
    } finally {
      await reader.close();
    }
    return { read, lastId, truncated: false };
  }

  private async tailLoop(listener: LogListener): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      this.tailReader = new EventReader({ url: this.config.REDIS_URL, prefix: this.config.FILLWIRE_PREFIX });
      try {
        for await (const { id, envelope } of this.tailReader.read({
          from: this.lastTailId,
          follow: true,
          blockMs: 2000,
        })) {
          this.lastTailId = id;
          failures = 0;
          try {
            listener(id, envelope);
          } catch (err) {
            this.logger.error({ entryId: id, eventId: envelope.id, err: String(err) }, 'push fan-out failed');
          }
        }
      } catch (err) {
        if (this.stopped) break;
        this.logger.warn({ err: String(err), after: this.lastTailId }, 'event log tail failed; retrying');
      } finally {
        await this.tailReader.close();
      }
      if (!this.stopped) await sleep(Math.min(100 * 2 ** failures++, 2000));
    }
  }
}
