import type { Processor, Worker } from 'bullmq';
import { JobQueues, type WorkerSettings } from '../job-queues';

/**
 * JobQueues that can close its workers alone, so shutdown can stop job processing before it drains
 * the engine while queues stay open for what the last handlers enqueue.
 */
export class ManagedJobQueues extends JobQueues {
  private readonly opened = new Set<Worker>();

  override worker<T = unknown, R = unknown>(
    name: string,
    processor: Processor<T, R>,
    settings?: WorkerSettings,
  ): Worker<T, R> {
    const worker = super.worker(name, processor, settings);
    this.opened.add(worker as Worker);
    return worker;
  }

  /**
   * Workers finish their active jobs and take no more; `force` does not wait for active jobs (they
   * are retried once their lock expires).
   */
  async closeWorkers(force = false): Promise<void> {
    await Promise.all([...this.opened].map((w) => w.close(force)));
  }
}
