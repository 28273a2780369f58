import { decideOrderUpdateMode } from './order-update-mode';

const flags = (over: Partial<Parameters<typeof decideOrderUpdateMode>[0]> = {}) => ({
  useEventDrivenOrders: true,
  rolloutPercent: 50,
  optIn: [],
  optOut: [],
  ...over,
});

describe('decideOrderUpdateMode', () => {
  const users = Array.from({ length: 1000 }, (_, i) => `user-${i}`);

  it('puts about the given share of users on event-driven updates, the same users every time', () => {
    const on = users.filter((u) => decideOrderUpdateMode(flags({ rolloutPercent: 30 }), u).mode === 'event-driven');
    expect(on.length).toBeGreaterThan(230);
    expect(on.length).toBeLessThan(370);
    const again = users.filter((u) => decideOrderUpdateMode(flags({ rolloutPercent: 30 }), u).mode === 'event-driven');
    expect(again).toEqual(on);
  });

  it('raising the percentage only adds users', () => {
    for (const u of users) {
      if (decideOrderUpdateMode(flags({ rolloutPercent: 20 }), u).mode === 'event-driven') {
        expect(decideOrderUpdateMode(flags({ rolloutPercent: 60 }), u).mode).toBe('event-driven');
      }
    }
  });

  it('0 % and 100 %', () => {
    expect(users.every((u) => decideOrderUpdateMode(flags({ rolloutPercent: 0 }), u).mode === 'polling')).toBe(true);
    expect(users.every((u) => decideOrderUpdateMode(flags({ rolloutPercent: 100 }), u).mode === 'event-driven')).toBe(true);
  });

  it('overrides: global off beats opt-in, opt-out beats the percentage', () => {
    expect(decideOrderUpdateMode(flags({ useEventDrivenOrders: false, optIn: ['x'] }), 'x')).toMatchObject({ mode: 'polling', reason: 'global-off' });
    expect(decideOrderUpdateMode(flags({ rolloutPercent: 100, optOut: ['x'] }), 'x')).toMatchObject({ mode: 'polling', reason: 'opt-out' });
    expect(decideOrderUpdateMode(flags({ rolloutPercent: 0, optIn: ['x'] }), 'x')).toMatchObject({ mode: 'event-driven', reason: 'opt-in' });
  });
});
