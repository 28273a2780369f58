export type MarketHoursMode = 'always' | 'nse';

const IST_OFFSET_MS = 330 * 60_000;
const OPEN_MINUTE = 9 * 60 + 15;
const CLOSE_MINUTE = 15 * 60 + 30;

/** NSE normal market 09:15–15:30 IST, Monday to Friday (no holiday calendar); `always` for demos and tests. */
export function isMarketOpen(mode: MarketHoursMode, nowMs: number): boolean {
  if (mode === 'always') return true;
  const ist = new Date(nowMs + IST_OFFSET_MS);
  const day = ist.getUTCDay();
  if (day === 0 || day === 6) return false;
  const minute = ist.getUTCHours() * 60 + ist.getUTCMinutes();
  return minute >= OPEN_MINUTE && minute < CLOSE_MINUTE;
}
