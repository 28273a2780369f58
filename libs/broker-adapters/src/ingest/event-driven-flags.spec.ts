import { isEventDriven, rolloutBucket } from './event-driven-flags';

describe('event-driven feature flags', () => {
  it('everyone at 100 %, no one at 0 % or with the switch off', () => {
    for (const user of ['demo', 'demo2', 'u1', 'u2']) {
      expect(isEventDriven(user, { useEventDrivenOrders: true, rolloutPercent: 100 })).toBe(true);
      expect(isEventDriven(user, { useEventDrivenOrders: true, rolloutPercent: 0 })).toBe(false);
      expect(isEventDriven(user, { useEventDrivenOrders: false, rolloutPercent: 100 })).toBe(false);
    }
  });

  it('buckets users deterministically and roughly evenly; raising the percentage only adds users', () => {
    const users = Array.from({ length: 2_000 }, (_, i) => `user-${i}`);
    expect(users.map(rolloutBucket)).toEqual(users.map(rolloutBucket));
    const at = (p: number) =>
      new Set(users.filter((u) => isEventDriven(u, { useEventDrivenOrders: true, rolloutPercent: p })));
    const ten = at(10);
    const fifty = at(50);
    expect(ten.size).toBeGreaterThan(120);
    expect(ten.size).toBeLessThan(280);
    for (const u of ten) expect(fifty.has(u)).toBe(true);
  });
});
