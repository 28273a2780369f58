import { reconnectDelayMs } from './reconnect-backoff';

describe('reconnectDelayMs', () => {
  it('doubles from 1 s and stops at 60 s (upper end of the jitter)', () => {
    const top = (attempt: number) => reconnectDelayMs(attempt, { random: () => 1 });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 20].map(top)).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ]);
  });

  it('jitters within the upper half of each step', () => {
    expect(reconnectDelayMs(1, { random: () => 0 })).toBe(500);
    expect(reconnectDelayMs(3, { random: () => 0.5 })).toBe(3_000);
    for (let i = 0; i < 200; i++) {
      const d = reconnectDelayMs(7);
      expect(d).toBeGreaterThanOrEqual(30_000);
      expect(d).toBeLessThanOrEqual(60_000);
    }
  });

  it('honours custom bounds', () => {
    expect(reconnectDelayMs(10, { minMs: 50, maxMs: 400, random: () => 1 })).toBe(400);
    expect(reconnectDelayMs(1, { minMs: 50, maxMs: 400, random: () => 1 })).toBe(50);
  });
});
