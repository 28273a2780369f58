import { testPrefix, testRedisUrl } from '@fillwire/testing';
import type { Job } from 'bullmq';
import { Registry } from 'prom-client';
import { BusAdminService } from './bus-admin.service';
import { jobId } from './job-names';
import { JobQueues } from './job-queues';

// Real processes and Redis on a shared 2-core machine: generous bounds, the tests finish in seconds.
jest.setTimeout(30_000);

describe('jobs layer (BullMQ)', () => {
  let url: string;
  let prefix: string;
  let jobs: JobQueues;
  let admin: BusAdminService;

  beforeAll(async () => {
    url = await testRedisUrl();
  });
  beforeEach(() => {
    prefix = testPrefix('jobs');
    jobs = new JobQueues({
      url,
      prefix,
      defaultJobOptions: { attempts: 3, backoff: { type: 'exponential', delay: 100 } },
    });
    admin = new BusAdminService({ url, prefix, jobs });
  });
  afterEach(async () => {
    await admin.close();
    await jobs.close();
  });

  it('retries a failing job with exponential backoff, keeps it in the failed set, and an admin retry succeeds', async () => {
    const attempts: number[] = [];
    let broken = true;
    const worker = jobs.worker<{ orderId: string }>('broker-orders', (job) => {
      attempts.push(Date.now());
      if (broken) throw new Error(`broker rejected ${job.data.orderId}`);
      return Promise.resolve('placed');
    });
    const finallyFailed = new Promise<Job>((resolve) =>
      worker.on('failed', (job) => {
        if (job && job.attemptsMade >= 3) resolve(job);
      }),
    );
    const queue = jobs.queue<{ orderId: string }>('broker-orders');
    const id = jobId('place-order', 'AB1234', 'key-1');
    await queue.add('place', { orderId: 'o-1' }, { jobId: id });

    const failed = await finallyFailed;
    expect(failed.id).toBe(id);
    expect(attempts).toHaveLength(3);
    // Exponential backoff: 100 ms, then 200 ms.
    expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(100);
    expect(attempts[2] - attempts[1]).toBeGreaterThanOrEqual(200);
    expect(await queue.getFailedCount()).toBe(1);

    expect(await admin.queueNames()).toEqual(['broker-orders']);
    const [listed] = await admin.listFailedJobs();
    expect(listed).toMatchObject({
      queue: 'broker-orders',
      id,
      name: 'place',
      attemptsMade: 3,
      failedReason: 'broker rejected o-1',
    });
    expect(await admin.getFailedJob('broker-orders', id)).toMatchObject({ data: { orderId: 'o-1' } });

    broken = false;
    const completed = new Promise<unknown>((resolve) =>
      worker.once('completed', (_job, result) => resolve(result)),
    );
    await admin.retryFailedJob('broker-orders', id);
    await expect(completed).resolves.toBe('placed');
    expect(await queue.getFailedCount()).toBe(0);
    await expect(admin.retryFailedJob('broker-orders', id)).rejects.toThrow(/not in the failed set/);
  });

  it('collapses jobs with the same business key and reports queue depths', async () => {
    const registry = new Registry();
    const measured = new JobQueues({ url, prefix, registry });
    try {
      const queue = measured.queue('deliveries');
      await queue.add('webhook', { n: 1 }, { jobId: jobId('webhook', 'evt-1') });
      await queue.add('webhook', { n: 2 }, { jobId: jobId('webhook', 'evt-1') });
      await queue.add('webhook', { n: 3 }, { jobId: jobId('webhook', 'evt-2'), delay: 60_000 });
      expect(await measured.depths()).toMatchObject({ deliveries: { waiting: 1, delayed: 1, failed: 0 } });
      const text = await registry.metrics();
      expect(text).toContain('fillwire_jobs_queue_depth_jobs{queue="deliveries",state="waiting"} 1');
      expect(text).toContain('fillwire_jobs_queue_depth_jobs{queue="deliveries",state="delayed"} 1');
    } finally {
      await measured.close();
    }
  });

  it('applies the rate limiter of a worker', async () => {
    const started: number[] = [];
    const done = new Promise<void>((resolve) => {
      jobs.worker(
        'limited',
        () => {
          started.push(Date.now());
          if (started.length === 3) resolve();
          return Promise.resolve();
        },
        { concurrency: 5, limiter: { max: 2, duration: 300 } },
      );
    });
    const queue = jobs.queue('limited');
    await queue.addBulk([1, 2, 3].map((n) => ({ name: 'x', data: { n } })));
    await done;
    expect(started[2] - started[0]).toBeGreaterThanOrEqual(250);
  });
});
