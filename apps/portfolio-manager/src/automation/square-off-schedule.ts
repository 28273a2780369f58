import { ExchangeSchema, type Broker, type Exchange } from '@fillwire/events';

/** Exchange cut-offs for MIS square-off, IST "HH:MM" (brokers square off a little earlier). */
export const DEFAULT_SQUARE_OFF_TIMES: Readonly<Record<Exchange, string>> = {
  NSE: '15:15',
  BSE: '15:15',
  NFO: '15:15',
  BFO: '15:15',
  CDS: '16:45',
  BCD: '16:45',
  MCX: '23:30',
};

export interface SquareOffSchedule {
  /** Per exchange, with per-broker overrides. Minutes after IST midnight. */
  minutes(broker: Broker, exchange: Exchange): number;
  /** IST dates (YYYY-MM-DD) with no session. */
  holidays: ReadonlySet<string>;
}

const IST_OFFSET_MS = 330 * 60_000;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Parses `SQUARE_OFF_TIMES`: comma-separated `[broker:]EXCHANGE=HH:MM` (IST), e.g.
 * `zerodha:NSE=15:20,zerodha:NFO=15:25`. Unlisted exchanges keep the defaults. Throws on a bad entry.
 */
export function parseSquareOffSchedule(times: string, holidays: readonly string[]): SquareOffSchedule {
  const base = new Map<string, number>();
  for (const [exchange, hhmm] of Object.entries(DEFAULT_SQUARE_OFF_TIMES))
    base.set(exchange, toMinutes(hhmm));
  for (const item of times
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(?:([a-z]+):)?([A-Z]+)=(\d\d:\d\d)$/.exec(item);
    if (!m || !ExchangeSchema.safeParse(m[2]).success || !TIME.test(m[3]))
      throw new Error(`SQUARE_OFF_TIMES: "${item}" is not [broker:]EXCHANGE=HH:MM`);
    base.set(m[1] ? `${m[1]}:${m[2]}` : m[2], toMinutes(m[3]));
  }
  for (const d of holidays)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`SQUARE_OFF_HOLIDAYS: "${d}" is not YYYY-MM-DD`);
  return {
    minutes: (broker, exchange) => base.get(`${broker}:${exchange}`) ?? base.get(exchange) ?? 0,
    holidays: new Set(holidays),
  };
}

function toMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** The IST calendar date and minute of an instant, whatever the host's timezone. */
export function istClock(epochMs: number): { date: string; minute: number; weekday: number } {
  const ist = new Date(epochMs + IST_OFFSET_MS);
  return {
    date: ist.toISOString().slice(0, 10),
    minute: ist.getUTCHours() * 60 + ist.getUTCMinutes(),
    weekday: ist.getUTCDay(),
  };
}

/**
 * The square-off due at `now` for this broker and exchange: the IST trading date when the cut-off
 * has passed today, else null (weekends, holidays, before the cut-off).
 */
export function dueSquareOff(
  schedule: SquareOffSchedule,
  broker: Broker,
  exchange: Exchange,
  now: number,
): string | null {
  const { date, minute, weekday } = istClock(now);
  if (weekday === 0 || weekday === 6 || schedule.holidays.has(date)) return null;
  return minute >= schedule.minutes(broker, exchange) ? date : null;
}
