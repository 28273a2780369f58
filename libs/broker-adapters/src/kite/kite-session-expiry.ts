/** India Standard Time is UTC+05:30 all year (no daylight saving). */
const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 24 * 3_600_000;
/** Kite invalidates every access token at 06:00 IST (brokers.md §1.2: "valid until 06:00 next day"). */
const EXPIRY_HOUR_IST = 6;

/**
 * When a Kite access token obtained at `loginAt` (epoch ms) stops working: the first 06:00 IST
 * strictly after it. A login at 03:00 IST therefore lasts three hours, one at 06:00 a whole day.
 */
export function kiteSessionExpiresAt(loginAt: number): number {
  const ist = loginAt + IST_OFFSET_MS;
  let expiry = Math.floor(ist / DAY_MS) * DAY_MS + EXPIRY_HOUR_IST * 3_600_000;
  if (expiry <= ist) expiry += DAY_MS;
  return expiry - IST_OFFSET_MS;
}
