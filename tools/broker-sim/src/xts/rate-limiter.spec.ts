import { FixedWindowRateLimiter } from './rate-limiter';

describe('FixedWindowRateLimiter', () => {
  it('allows `limit` requests per calendar second per key', () => {
    let now = 10_000;
    const limiter = new FixedWindowRateLimiter(() => now);
    expect(limiter.take('a', 1)).toBe(true);
    expect(limiter.take('a', 1)).toBe(false);
    expect(limiter.take('b', 1)).toBe(true);
    now = 10_999;
    expect(limiter.take('a', 1)).toBe(false);
    now = 11_000;
    expect(limiter.take('a', 1)).toBe(true);
    const results = Array.from({ length: 12 }, () => limiter.take('orders', 10));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(results.slice(10)).toEqual([false, false]);
  });
});
