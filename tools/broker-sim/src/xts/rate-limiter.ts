/**
 * Requests per calendar second per key, the way XTS counts them (a fixed window, so a client
 * pacing itself at exactly the limit is never refused because of jitter).
 */
export class FixedWindowRateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one slot for `key`; false when `limit` requests were already taken this second. */
  take(key: string, limit: number): boolean {
    const second = Math.floor(this.now() / 1000);
    const window = this.windows.get(key);
    if (!window || window.second !== second) {
      if (this.windows.size > 10_000) this.prune(second);
      this.windows.set(key, { second, count: 1 });
      return true;
    }
    if (window.count >= limit) return false;
    window.count += 1;
    return true;
  }

  private prune(second: number): void {
    for (const [key, window] of this.windows) if (window.second !== second) this.windows.delete(key);
  }
}
