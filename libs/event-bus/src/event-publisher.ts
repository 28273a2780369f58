import { EnvelopeSchema, isCheckedEnvelope, type EventEnvelope } from '@fillwire/events';
import type Redis from 'ioredis';
import type { Registry } from 'prom-client';
import { busKeys, type BusKeys } from './bus-keys';
import { BusMetrics } from './bus-metrics';
import { PublisherOptionsSchema, type PublisherOptions, type Retention } from './bus-options.schema';
import { PUBLISH_SCRIPT } from './bus-scripts';
import { BusUnavailableError } from './bus-unavailable.error';
import { createRedis, describeRedisUrl, producerRedisOptions, whenReady } from './redis-connection';

export interface PublishResult {
  /** The stream entry id: the new one, or the original's for a duplicate. */
  entryId: string;
  duplicate: boolean;
}

type PublishCommand = (
  stream: string,
  dedupKey: string,
  json: string,
  ttl: number,
  trimKind: string,
  trimValue: number,
) => Promise<[number, string]>;

type PublishingRedis = Redis & { fillwirePublish: PublishCommand };

/**
 * Appends envelopes to `<prefix>:events`, idempotent by envelope id (dedup and XADD in one Lua
 * step). Fails fast when Redis is unreachable.
 */
export class EventPublisher {
  private readonly redis: PublishingRedis;
  private readonly keys: BusKeys;
  private readonly options: ReturnType<typeof PublisherOptionsSchema.parse>;
  private readonly trim: [kind: string, value: number];
  private readonly metrics?: BusMetrics;
  private readonly target: string;
  /** Until the first connection, a publish waits for it (a service's first events race its connect); after, outages fail fast. */
  private everReady = false;

  constructor(opts: { url: string; prefix: string; registry?: Registry } & PublisherOptions) {
    const { url, prefix, registry, ...rest } = opts;
    this.options = PublisherOptionsSchema.parse(rest);
    this.keys = busKeys(prefix);
    this.trim = trimArgs(this.options.retention);
    this.metrics = registry ? new BusMetrics(registry) : undefined;
    this.target = describeRedisUrl(url);
    const redis = createRedis(
      url,
      {
        ...producerRedisOptions(this.options.commandTimeoutMs),
        enableAutoPipelining: this.options.autoPipeline,
      },
      'fillwire-publisher',
    );
    redis.defineCommand('fillwirePublish', { numberOfKeys: 2, lua: PUBLISH_SCRIPT });
    redis.once('ready', () => (this.everReady = true));
    this.redis = redis as PublishingRedis;
  }

  get stream(): string {
    return this.keys.events;
  }

  /** Connects (or waits for a reconnect); rejects after `timeoutMs` if Redis is not there. */
  async connect(timeoutMs = 5000): Promise<void> {
    try {
      await whenReady(this.redis, timeoutMs);
    } catch (err) {
      throw this.unavailable('connect', err);
    }
  }

  /** Validates (see serialize) and publishes one envelope; resolves once Redis has appended it (or found it a duplicate). */
  async publish(envelope: EventEnvelope): Promise<PublishResult> {
    const json = this.serialize(envelope);
    if (!this.everReady) await this.connect();
    try {
      const [added, entryId] = await this.redis.fillwirePublish(
        this.keys.events,
        this.keys.dedup(envelope.id),
        json,
        this.options.dedupTtlMs,
        ...this.trim,
      );
      return this.count({ entryId, duplicate: added === 0 });
    } catch (err) {
      this.metrics?.publishErrors.inc();
      throw this.unavailable(`publish ${envelope.type} ${envelope.id}`, err);
    }
  }

  /**
   * Publishes many envelopes in one pipeline (one round trip). Results are in input order; the
   * whole call rejects if any publish failed, so the caller retries the batch (duplicates collapse).
   */
  async publishMany(envelopes: readonly EventEnvelope[]): Promise<PublishResult[]> {
    if (envelopes.length === 0) return [];
    if (!this.everReady) await this.connect();
    const pipeline = this.redis.pipeline() as ReturnType<Redis['pipeline']> & {
      fillwirePublish(...args: Parameters<PublishCommand>): unknown;
    };
    for (const envelope of envelopes) {
      pipeline.fillwirePublish(
        this.keys.events,
        this.keys.dedup(envelope.id),
        this.serialize(envelope),
        this.options.dedupTtlMs,
        ...this.trim,
      );
    }
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await pipeline.exec();
    } catch (err) {
      this.metrics?.publishErrors.inc(envelopes.length);
      throw this.unavailable(`publish ${envelopes.length} events`, err);
    }
    if (!replies) throw this.unavailable(`publish ${envelopes.length} events`, new Error('pipeline aborted'));
    return replies.map(([err, reply], i) => {
      if (err) {
        this.metrics?.publishErrors.inc();
        throw this.unavailable(`publish ${envelopes[i].type} ${envelopes[i].id}`, err);
      }
      const [added, entryId] = reply as [number, string];
      return this.count({ entryId, duplicate: added === 0 });
    });
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end' || this.redis.status === 'wait') {
      this.redis.disconnect();
      return;
    }
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /** Validated here unless createEnvelope built (and so checked) it: one check per envelope, not two. */
  private serialize(envelope: EventEnvelope): string {
    return JSON.stringify(isCheckedEnvelope(envelope) ? envelope : EnvelopeSchema.parse(envelope));
  }

  private count(result: PublishResult): PublishResult {
    this.metrics?.published.inc({ outcome: result.duplicate ? 'duplicate' : 'published' });
    return result;
  }

  private unavailable(what: string, cause: unknown): Error {
    if (cause instanceof BusUnavailableError) return cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    // A script error (e.g. Redis refused the write) is not an outage, but the caller still must not think it was published.
    return new BusUnavailableError(
      `event bus: could not ${what} to ${this.keys.events} at ${this.target}: ${reason}`,
      {
        cause,
      },
    );
  }
}

function trimArgs(retention: Retention): [string, number] {
  return 'maxLen' in retention ? ['MAXLEN', retention.maxLen] : ['MINID', retention.maxAgeMs];
}
