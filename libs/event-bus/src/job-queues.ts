import { Queue, Worker, type DefaultJobOptions, type Processor, type WorkerOptions } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';
import { assertPrefix } from './bus-keys';
import { errorMessage, silentLogger, type BusLogger } from './bus-logger';
import { assertQueueName } from './job-names';
import { redisOptionsFromUrl } from './redis-connection';

/**
 * Retries with exponential backoff (1 s, 2 s, 4 s, 8 s); failed jobs are kept: they are the dead
 * letters of the jobs layer (list/show/retry through BusAdminService and the CLI).
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: false,
};

const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'failed',
  'completed',
  'prioritized',
  'waiting-children',
] as const;

export interface JobQueuesOptions {
  url: string;
  /** BullMQ's `prefix`: FILLWIRE_PREFIX, so every queue key lives under it. */
  prefix: string;
  registry?: Registry;
  logger?: BusLogger;
  defaultJobOptions?: DefaultJobOptions;
}

export interface WorkerSettings {
  concurrency?: number;
  /** BullMQ's rate limiter, e.g. a broker's 10 orders/s: `{ max: 10, duration: 1000 }`. */
  limiter?: WorkerOptions['limiter'];
  /** Start processing at once (default) or call `worker.run()` later. */
  autorun?: boolean;
}

/**
 * Factory for BullMQ queues and workers with our prefix and Redis settings: queues (producers)
 * fail fast when Redis is down, workers wait for it. close() closes workers, then queues.
 */
export class JobQueues {
  private readonly prefix: string;
  private readonly producerConnection;
  private readonly workerConnection;
  private readonly defaults: DefaultJobOptions;
  private readonly logger: BusLogger;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<Worker>();

  constructor(opts: JobQueuesOptions) {
    this.prefix = assertPrefix(opts.prefix);
    const base = redisOptionsFromUrl(opts.url);
    this.producerConnection = { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    this.workerConnection = { ...base, maxRetriesPerRequest: null };
    this.defaults = { ...DEFAULT_JOB_OPTIONS, ...opts.defaultJobOptions };
    this.logger = opts.logger ?? silentLogger;
    if (opts.registry) this.registerDepthGauge(opts.registry);
  }

  /** The queue named `name` (one instance per name); `await queue.add(...)` always. */
  queue<T = unknown>(name: string): Queue<T> {
    assertQueueName(name);
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.producerConnection,
        prefix: this.prefix,
        defaultJobOptions: this.defaults,
      });
      queue.on('error', (err) =>
        this.logger.warn({ queue: name, err: errorMessage(err) }, 'job queue connection error'),
      );
      this.queues.set(name, queue);
    }
    return queue as Queue<T>;
  }

  worker<T = unknown, R = unknown>(
    name: string,
    processor: Processor<T, R>,
    settings: WorkerSettings = {},
  ): Worker<T, R> {
    assertQueueName(name);
    const worker = new Worker<T, R>(name, processor, {
      connection: this.workerConnection,
      prefix: this.prefix,
      concurrency: settings.concurrency ?? 1,
      limiter: settings.limiter,
      autorun: settings.autorun ?? true,
    });
    worker.on('error', (err) =>
      this.logger.warn({ queue: name, err: errorMessage(err) }, 'job worker error'),
    );
    worker.on('failed', (job, err) =>
      this.logger.warn(
        { queue: name, jobId: job?.id, attempts: job?.attemptsMade, err: errorMessage(err) },
        'job attempt failed',
      ),
    );
    this.workers.add(worker as Worker);
    return worker;
  }

  /** Job counts per state for each queue opened here. */
  async depths(): Promise<Record<string, Record<string, number>>> {
    const result: Record<string, Record<string, number>> = {};
    for (const [name, queue] of this.queues) result[name] = await queue.getJobCounts(...JOB_STATES);
    return result;
  }

  /** Workers first (they finish their active jobs), then queues. */
  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.close()));
    this.workers.clear();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private registerDepthGauge(registry: Registry): void {
    const name = 'fillwire_jobs_queue_depth_jobs';
    if (registry.getSingleMetric(name)) return;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client calls collect() with the gauge as `this`
    const self = this;
    new Gauge({
      name,
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        const depths = await self.depths().catch(() => ({}));
        for (const [queue, counts] of Object.entries(depths)) {
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
        }
      },
    });
  }
}
