/**
 * Order requests per user per calendar second (how Zerodha staff describe the count). A burst of
 * 21 requests is refused at least once whatever the second boundary does.
 */
export class KiteRateLimiter {
  private readonly windows = new Map<string, { second: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string): boolean {
    const second = Math.floor(this.now() / 1000);
    const window = this.windows.get(key);
    if (!window || window.second !== second) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(key, { second, count: 1 });
      return true;
    }
    if (window.count >= this.limit) return false;
    window.count += 1;
    return true;
  }

  clear(): void {
    this.windows.clear();
  }
}
