import { decidePolling, isMarketOpen, type PollingInput } from './polling-policy';

const T0 = Date.UTC(2026, 0, 5, 4, 0, 0); // Monday 09:30 IST

const base = (over: Partial<PollingInput> = {}): PollingInput => ({
  state: 'synced',
  tickerDownSince: null,
  eventDriven: true,
  marketOpen: true,
  resyncRequested: false,
  lastSyncAt: null,
  now: T0,
  pollAfterMs: 5_000,
  intervalMs: 1_000,
  ...over,
});

describe('decidePolling (fake clock)', () => {
  it('stays idle while the ticker is up and the account is event-driven', () => {
    expect(decidePolling(base())).toEqual({ action: 'idle' });
  });

  it('polls only once the ticker has been down for the threshold, then at the interval pace', () => {
    const down = base({ state: 'degraded', tickerDownSince: T0 });
    expect(decidePolling({ ...down, now: T0 + 4_999 }).action).toBe('idle');
    expect(decidePolling({ ...down, now: T0 + 5_000 })).toEqual({
      action: 'sync',
      channel: 'polling',
      reason: 'ticker down',
    });
    expect(decidePolling({ ...down, now: T0 + 5_500, lastSyncAt: T0 + 5_000 }).action).toBe('idle');
    expect(decidePolling({ ...down, now: T0 + 6_000, lastSyncAt: T0 + 5_000 }).action).toBe('sync');
  });

  it('polls an account that is not on event-driven mode even with the ticker up', () => {
    expect(decidePolling(base({ eventDriven: false }))).toMatchObject({ action: 'sync', channel: 'polling' });
  });

  it('does not poll outside market hours, but still reconciles after a refused publish', () => {
    const closed = base({ marketOpen: false, tickerDownSince: T0 - 60_000, state: 'degraded' });
    expect(decidePolling(closed).action).toBe('idle');
    expect(decidePolling({ ...closed, resyncRequested: true })).toMatchObject({
      action: 'sync',
      channel: 'reconciliation',
    });
  });

  it('never polls an account that stood down or is not logged in', () => {
    for (const state of ['stood-down', 'disconnected'] as const) {
      expect(decidePolling(base({ state, eventDriven: false, resyncRequested: true })).action).toBe('idle');
    }
  });
});

describe('isMarketOpen', () => {
  it('follows NSE hours in IST on weekdays', () => {
    const ist = (d: number, h: number, m: number) => Date.UTC(2026, 0, d, h, m) - 330 * 60_000;
    expect(isMarketOpen('nse', ist(5, 9, 14))).toBe(false);
    expect(isMarketOpen('nse', ist(5, 9, 15))).toBe(true);
    expect(isMarketOpen('nse', ist(5, 15, 29))).toBe(true);
    expect(isMarketOpen('nse', ist(5, 15, 30))).toBe(false);
    expect(isMarketOpen('nse', ist(3, 11, 0))).toBe(false); // Saturday
    expect(isMarketOpen('always', ist(3, 3, 0))).toBe(true);
  });
});
