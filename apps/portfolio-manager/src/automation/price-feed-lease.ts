import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';

export interface PriceFeedLeaseOptions {
  /** The Redis key every replica of the deployment competes for. */
  key: string;
  /** How long the lease outlives its holder's last renewal (a kill -9'd holder's lease ends then). */
  ttlMs: number;
  /** How often the holder renews and the others try to take it; a third of the TTL by default. */
  intervalMs?: number;
  now?: () => number;
}

export interface PriceFeedLeaseListener {
  onAcquired(): void;
  onLost(reason: string): void;
}

// Compare-and-act on the holder's token: a late renewal or release never touches another's lease.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * A lease held by one process at a time (SET NX PX with a random token, renewed every
 * `intervalMs`). The holder counts it as held only until its last confirmed renewal + TTL, so with
 * Redis out of reach it gives up in time even though the client would wait for Redis forever; by
 * then the key has expired and another replica may take it. A renewal or take that answers late is
 * not acted on: the next step finds the token in Redis and takes the lease again.
 */
export class PriceFeedLease {
  /** The key's value while we hold it: where the holder runs, for an operator reading Redis. */
  readonly token = `${hostname()}/${process.pid}/${randomBytes(6).toString('hex')}`;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private holding = false;
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private step: Promise<void> | null = null;
  private listener: PriceFeedLeaseListener | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: PriceFeedLeaseOptions,
  ) {
    this.intervalMs = options.intervalMs ?? Math.max(1, Math.floor(options.ttlMs / 3));
    this.now = options.now ?? (() => Date.now());
  }

  /** Held and not past the last confirmed renewal + TTL: safe to act as the only holder. */
  get held(): boolean {
    return this.holding && this.now() < this.validUntil;
  }

  /** One attempt to take the lease (or to confirm it is still ours). */
  async tryAcquire(): Promise<boolean> {
    const start = this.now();
    const ok = await this.take();
    if (ok) this.confirm(start);
    return ok;
  }

  /** Extends the lease if it is still ours; false (and no longer held) if it expired or moved. */
  async renew(): Promise<boolean> {
    const start = this.now();
    const ok = await this.extend();
    if (ok) this.confirm(start);
    else this.holding = false;
    return ok;
  }

  /** Gives the lease up at once (only if still ours), so another replica need not wait for the TTL. */
  async release(): Promise<void> {
    this.holding = false;
    await this.redis.eval(RELEASE, 1, this.options.key, this.token);
  }

  /** Who holds the lease now (a token), or null. */
  holder(): Promise<string | null> {
    return this.redis.get(this.options.key);
  }

  /** Takes the lease whenever it is free and keeps renewing it; tells the listener on each change. */
  start(listener: PriceFeedLeaseListener): void {
    this.listener = listener;
    const loop = (): void => {
      this.step = this.runStep().finally(() => {
        this.step = null;
        if (this.listener) this.timer = setTimeout(loop, this.intervalMs).unref();
      });
    };
    loop();
  }

  /** Stops taking and renewing; releases the lease if held (bounded: a dead Redis does not hold a shutdown). */
  async stop(timeoutMs = 1_000): Promise<void> {
    this.listener = null;
    if (this.timer) clearTimeout(this.timer);
    await this.within(this.step ?? Promise.resolve(), timeoutMs);
    if (this.holding) await this.within(this.release(), timeoutMs);
    this.holding = false;
  }

  private async runStep(): Promise<void> {
    const start = this.now();
    if (this.holding) {
      const renewed = await this.within(this.extend(), this.validUntil - start);
      if (renewed === true) return this.confirm(start);
      this.holding = false;
      this.listener?.onLost(
        renewed === false ? 'lease expired or taken over' : 'lease not renewed in time (Redis unreachable?)',
      );
      return;
    }
    const taken = await this.within(this.take(), this.intervalMs);
    if (taken !== true) return;
    this.confirm(start);
    if (this.held) this.listener?.onAcquired();
  }

  private async take(): Promise<boolean> {
    const set = await this.redis.set(this.options.key, this.token, 'PX', this.options.ttlMs, 'NX');
    // Already ours: an earlier take or renewal that answered too late to count.
    return set === 'OK' || this.extend();
  }

  private async extend(): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.options.key, this.token, this.options.ttlMs)) === 1;
  }

  private confirm(start: number): void {
    this.holding = true;
    this.validUntil = start + this.options.ttlMs;
  }

  /** The promise's value, or null if it fails or takes longer than `ms`. */
  private within<T>(promise: Promise<T>, ms: number): Promise<T | null> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(null), Math.max(0, ms)).unref();
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        () => {
          clearTimeout(timer);
          resolve(null);
        },
      );
    });
  }
}
