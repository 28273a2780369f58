import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PaceOptions {
  /** Sends per second. */
  rate: number;
  durationMs: number;
  /**
   * Called for send number `index`, due at `scheduledAt` (performance.now() ms). A returned promise is
   * not awaited before the next send (open loop: a slow system does not slow the load); all are awaited
   * at the end and rejections counted.
   */
  send: (index: number, scheduledAt: number) => void | Promise<unknown>;
  /**
   * `timer` (default) sleeps with setTimeout and sends what fell due meanwhile, so sends may bunch
   * within ~1 ms; `spin` yields with setImmediate for sub-ms precision at the cost of a busy core.
   */
  precision?: 'timer' | 'spin';
}

export interface PaceReport {
  sent: number;
  failed: number;
  /** Why sends failed: each rejection's message, counted (a loss must say what it was). */
  failures: Record<string, number>;
  elapsedMs: number;
  achievedRate: number;
  /** How late the latest send was against its schedule, in ms. */
  maxLagMs: number;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Open-loop load generator. Send i is due at start + i / rate, computed from the start rather than
 * from the previous send, so timer lateness never accumulates into a lower rate.
 */
export async function pace(options: PaceOptions): Promise<PaceReport> {
  const { rate, durationMs, send, precision = 'timer' } = options;
  if (!(rate > 0) || !(durationMs > 0)) throw new RangeError('rate and durationMs must be positive');
  const total = Math.floor((rate * durationMs) / 1000);
  const intervalMs = 1000 / rate;
  const pending: Promise<unknown>[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  const fail = (error: unknown): void => {
    failed++;
    const reason = error instanceof Error ? error.message : String(error);
    failures[reason] = (failures[reason] ?? 0) + 1;
  };
  let maxLagMs = 0;
  const start = performance.now();
  let index = 0;
  while (index < total) {
    const now = performance.now();
    while (index < total && start + index * intervalMs <= now) {
      const scheduledAt = start + index * intervalMs;
      maxLagMs = Math.max(maxLagMs, now - scheduledAt);
      try {
        const result = send(index, scheduledAt);
        if (result !== undefined) {
          pending.push(result.then(undefined, fail));
        }
      } catch (error) {
        fail(error);
      }
      index++;
    }
    if (index >= total) break;
    const waitMs = start + index * intervalMs - performance.now();
    if (precision === 'spin' || waitMs <= 0) await yieldTurn();
    else await sleep(Math.floor(waitMs));
  }
  await Promise.all(pending);
  const elapsedMs = performance.now() - start;
  return { sent: total, failed, failures, elapsedMs, achievedRate: (total / elapsedMs) * 1000, maxLagMs };
}
