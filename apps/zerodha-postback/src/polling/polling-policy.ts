import type { BrokerConnectionState } from '@fillwire/events';

export type MarketHoursMode = 'always' | 'nse';

const IST_OFFSET_MS = 330 * 60_000;
const NSE_OPEN_MIN = 9 * 60 + 15;
const NSE_CLOSE_MIN = 15 * 60 + 30;

/** NSE normal market: 09:15-15:30 IST, Monday to Friday (holidays not modelled). */
export function isMarketOpen(mode: MarketHoursMode, now: number): boolean {
  if (mode === 'always') return true;
  const ist = new Date(now + IST_OFFSET_MS);
  const day = ist.getUTCDay();
  if (day === 0 || day === 6) return false;
  const minute = ist.getUTCHours() * 60 + ist.getUTCMinutes();
  return minute >= NSE_OPEN_MIN && minute < NSE_CLOSE_MIN;
}

export interface PollingInput {
  state: BrokerConnectionState;
  /** When the ticker went down (null while it is up). */
  tickerDownSince: number | null;
  eventDriven: boolean;
  marketOpen: boolean;
  /** An update of this account could not be published since the last sync. */
  resyncRequested: boolean;
  lastSyncAt: number | null;
  now: number;
  pollAfterMs: number;
  intervalMs: number;
}

export type PollingDecision =
  { action: 'idle' } | { action: 'sync'; channel: 'polling' | 'reconciliation'; reason: string };

/**
 * Whether an account's order book should be fetched now. Polling stands in for the push channels
 * when the ticker has been down longer than `pollAfterMs` in market hours, or always when the
 * account's user is not on event-driven mode; a refused publish asks for a reconciliation. Never
 * more often than `intervalMs` per account (Kite's limits are 10 req/s per app), and never for an
 * account that has stood down or is not logged in yet.
 */
export function decidePolling(input: PollingInput): PollingDecision {
  const { state, now, lastSyncAt, intervalMs } = input;
  if (state === 'stood-down' || state === 'disconnected') return { action: 'idle' };
  if (lastSyncAt !== null && now - lastSyncAt < intervalMs) return { action: 'idle' };
  if (input.resyncRequested) return { action: 'sync', channel: 'reconciliation', reason: 'a publish failed' };
  if (!input.marketOpen) return { action: 'idle' };
  if (!input.eventDriven) return { action: 'sync', channel: 'polling', reason: 'not on event-driven mode' };
  if (input.tickerDownSince !== null && now - input.tickerDownSince >= input.pollAfterMs) {
    return { action: 'sync', channel: 'polling', reason: 'ticker down' };
  }
  return { action: 'idle' };
}
