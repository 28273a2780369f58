import type { Job } from 'bullmq';
import type Redis from 'ioredis';
import type { EventEnvelope } from '@fillwire/events';
import { assertGroupName, busKeys, type BusKeys } from './bus-keys';
import { REPLAY_SCRIPT } from './bus-scripts';
import { JobQueues } from './job-queues';
import { assertQueueName } from './job-names';
import { LagMonitor, type LogStatus } from './lag-monitor';
import type { Retention } from './bus-options.schema';
import { BusUnavailableError } from './bus-unavailable.error';
import { errorMessage } from './bus-logger';
import { createRedis, describeRedisUrl, producerRedisOptions, whenReady } from './redis-connection';
import { decodeEnvelope, fieldsToRecord, type RawEntry } from './stream-entry';

export interface EventDeadLetter {
  /** Id in the dead-letter stream: what `dlq show|replay` take. */
  id: string;
  group: string;
  /** The entry id in the stream it failed in. */
  originalId: string;
  stream: string;
  error: string;
  deliveries: number;
  consumer: string;
  failedAt: number;
  /** The envelope, or undefined when the entry did not hold a valid one (see `raw`). */
  envelope?: EventEnvelope;
  raw: string;
}

export interface FailedJob {
  queue: string;
  id: string;
  name: string;
  data: unknown;
  failedReason: string;
  attemptsMade: number;
  failedAt?: number;
  stacktrace: string[];
}

export interface ReplayResult {
  group: string;
  /** The entry id in the group's retry stream. */
  retryEntryId: string;
}

/** How many replays a group's retry stream keeps (they are acked long before). */
const RETRY_STREAM_MAX_LEN = 10_000;

type AdminRedis = Redis & {
  fillwireReplay(
    dlq: string,
    retry: string,
    id: string,
    group: string,
    maxLen: number,
  ): Promise<string | null>;
};

/**
 * Operations on both layers' dead letters and the log's health, for the CLI and admin endpoints.
 *
 * Replaying an event dead letter re-delivers it to the ONE group that failed it, through that
 * group's retry stream: the other groups handled it already, and a second copy in the main log
 * would make every group (and every log reader) see it twice.
 */
export class BusAdminService {
  private readonly keys: BusKeys;
  private readonly redis: AdminRedis;
  private readonly jobs: JobQueues;
  private readonly ownsJobs: boolean;
  private readonly monitor: LagMonitor;
  private readonly target: string;

  constructor(opts: { url: string; prefix: string; jobs?: JobQueues; retention?: Retention }) {
    this.keys = busKeys(opts.prefix);
    this.target = describeRedisUrl(opts.url);
    const redis = createRedis(opts.url, producerRedisOptions(5000), 'fillwire-bus-admin');
    redis.defineCommand('fillwireReplay', { numberOfKeys: 2, lua: REPLAY_SCRIPT });
    this.redis = redis as AdminRedis;
    this.ownsJobs = !opts.jobs;
    this.jobs = opts.jobs ?? new JobQueues({ url: opts.url, prefix: opts.prefix });
    this.monitor = new LagMonitor({ redis: this.redis, prefix: opts.prefix, retention: opts.retention });
  }

  async status(): Promise<LogStatus> {
    await this.ready();
    return this.monitor.check();
  }

  /** Newest first. */
  async listDeadLetters(opts: { limit?: number; group?: string } = {}): Promise<EventDeadLetter[]> {
    await this.ready();
    const limit = opts.limit ?? 50;
    const out: EventDeadLetter[] = [];
    let end = '+';
    // Filtering by group may need more than one page; bounded so a huge DLQ cannot stall the caller.
    for (let page = 0; page < 100 && out.length < limit; page++) {
      const entries = (await this.redis.xrevrange(this.keys.dlq, end, '-', 'COUNT', limit)) as RawEntry[];
      for (const entry of entries) {
        const letter = toDeadLetter(entry);
        if (!opts.group || letter.group === opts.group) out.push(letter);
        if (out.length >= limit) break;
      }
      if (entries.length < limit) break;
      end = `(${entries[entries.length - 1][0]}`;
    }
    return out;
  }

  async getDeadLetter(id: string): Promise<EventDeadLetter | undefined> {
    await this.ready();
    const entries = (await this.redis.xrange(this.keys.dlq, id, id)) as RawEntry[];
    return entries[0] ? toDeadLetter(entries[0]) : undefined;
  }

  /** Re-delivers the dead letter to the group that failed it and removes it from the dead-letter stream. */
  async replayDeadLetter(id: string): Promise<ReplayResult> {
    const letter = await this.getDeadLetter(id);
    if (!letter) throw new Error(`no dead letter ${id} in ${this.keys.dlq}`);
    const group = assertGroupName(letter.group);
    const retryEntryId = await this.redis.fillwireReplay(
      this.keys.dlq,
      this.keys.retry(group),
      id,
      group,
      RETRY_STREAM_MAX_LEN,
    );
    if (!retryEntryId) throw new Error(`dead letter ${id} was replayed or removed meanwhile`);
    return { group, retryEntryId };
  }

  /** BullMQ queues under our prefix (each has a `<prefix>:<queue>:meta` key). */
  async queueNames(): Promise<string[]> {
    await this.ready();
    const names = new Set<string>();
    const head = `${this.keys.prefix}:`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${head}*:meta`, 'COUNT', 500);
      for (const key of keys) {
        const name = key.slice(head.length, -':meta'.length);
        if (/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(name)) names.add(name);
      }
      cursor = next;
    } while (cursor !== '0');
    return [...names].sort();
  }

  /** Failed jobs (the jobs layer's dead letters), newest first, of one queue or all. */
  async listFailedJobs(opts: { queue?: string; limit?: number } = {}): Promise<FailedJob[]> {
    await this.ready();
    const limit = opts.limit ?? 50;
    const queues = opts.queue ? [assertQueueName(opts.queue)] : await this.queueNames();
    const out: FailedJob[] = [];
    for (const name of queues) {
      const jobs = await this.jobs.queue(name).getFailed(0, limit - 1);
      out.push(...jobs.map((job) => toFailedJob(name, job)));
    }
    return out.sort((a, b) => (b.failedAt ?? 0) - (a.failedAt ?? 0)).slice(0, limit);
  }

  async getFailedJob(queue: string, jobId: string): Promise<FailedJob | undefined> {
    await this.ready();
    const job = await this.jobs.queue(assertQueueName(queue)).getJob(jobId);
    if (!job || !(await job.isFailed())) return undefined;
    return toFailedJob(queue, job);
  }

  /** Moves a failed job back to waiting with its attempts reset. */
  async retryFailedJob(queue: string, jobId: string): Promise<void> {
    await this.ready();
    const job = await this.jobs.queue(assertQueueName(queue)).getJob(jobId);
    if (!job) throw new Error(`no job ${jobId} in queue ${queue}`);
    if (!(await job.isFailed())) throw new Error(`job ${queue}/${jobId} is not in the failed set`);
    await job.retry('failed');
  }

  async close(): Promise<void> {
    if (this.ownsJobs) await this.jobs.close();
    this.redis.disconnect();
  }

  private async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    try {
      await whenReady(this.redis, 5000);
    } catch (err) {
      throw new BusUnavailableError(`cannot reach Redis at ${this.target}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
}

function toDeadLetter([id, fields]: RawEntry): EventDeadLetter {
  const f = fieldsToRecord(fields);
  let envelope: EventEnvelope | undefined;
  try {
    envelope = decodeEnvelope(f.envelope);
  } catch {
    envelope = undefined;
  }
  return {
    id,
    group: f.group ?? '',
    originalId: f.originalId ?? '',
    stream: f.stream ?? '',
    error: f.error ?? '',
    deliveries: Number(f.deliveries ?? 0),
    consumer: f.consumer ?? '',
    failedAt: Number(f.failedAt ?? 0),
    envelope,
    raw: f.envelope ?? '',
  };
}

function toFailedJob(queue: string, job: Job): FailedJob {
  return {
    queue,
    id: job.id ?? '',
    name: job.name,
    data: job.data,
    failedReason: job.failedReason,
    attemptsMade: job.attemptsMade,
    failedAt: job.finishedOn,
    stacktrace: job.stacktrace ?? [],
  };
}
