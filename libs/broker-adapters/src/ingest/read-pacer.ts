import { setTimeout as sleep } from 'node:timers/promises';
import { BrokerRateLimitError } from '../broker-errors';

export interface ReadPacerOptions {
  /** Minimum spacing between two calls of one endpoint; default 1,000 ms (XTS read limit 1 req/s). */
  intervalMs?: number;
  /** 429 answers tolerated per call before giving up; default 5. */
  maxRateLimitRetries?: number;
  /** For tests: a sleep that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Paces broker read calls per endpoint (a queue per key, one call at a time, at least `intervalMs`
 * apart) and treats a 429 as what it is, a rate limit: wait one interval and try again.
 */
export class ReadPacer {
  private readonly nextAt = new Map<string, number>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly intervalMs: number;
  private readonly maxRetries: number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private rateLimited = 0;

  constructor(options: ReadPacerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.maxRetries = options.maxRateLimitRetries ?? 5;
    this.wait = options.sleep ?? ((ms) => sleep(ms).then(() => undefined));
    this.now = options.now ?? Date.now;
  }

  /** 429 answers seen so far. */
  get rateLimitHits(): number {
    return this.rateLimited;
  }

  /** Runs `call` when the endpoint `key` is next free; callers of one key run one after another. */
  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(
      () => this.attempt(key, call, 0),
      () => this.attempt(key, call, 0),
    );
    this.tails.set(
      key,
      result.catch(() => undefined),
    );
    return result;
  }

  private async attempt<T>(key: string, call: () => Promise<T>, retries: number): Promise<T> {
    const delay = (this.nextAt.get(key) ?? 0) - this.now();
    if (delay > 0) await this.wait(delay);
    this.nextAt.set(key, this.now() + this.intervalMs);
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof BrokerRateLimitError) || retries >= this.maxRetries) throw error;
      this.rateLimited += 1;
      return this.attempt(key, call, retries + 1);
    }
  }
}
