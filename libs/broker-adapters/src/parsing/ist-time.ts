import { fail, ok, Result } from '../result';
import { at } from './field';

/** India Standard Time is UTC+05:30 all year (no DST), so IST wall time converts by arithmetic alone. */
const IST_OFFSET_MINUTES = 330;

// 2025-01-30 14:08:02 | 2025-01-30T14:08:02.0921673 | 2025-01-30T14:08:00+05:30 | ...Z
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
// 30-01-2025 14:08:02 (XTS docs, older servers, the *API fields), optionally with an offset.
const DMY = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;
/** Each format with the capture groups of its year, month and day. */
const FORMATS: ReadonlyArray<readonly [RegExp, readonly [number, number, number]]> = [
  [ISO_LIKE, [1, 2, 3]],
  [DMY, [3, 2, 1]],
];
const TIME_ONLY = /^(\d{2}):(\d{2}):(\d{2})$/;

/** XTS fills "no date" with 1980-01-01 (OrderExpiryDate); anything that early is a sentinel. */
const SENTINEL_BEFORE = Date.UTC(1981, 0, 1);

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  offsetMinutes: number;
}

function offsetOf(zone: string | undefined): number {
  if (zone === undefined) return IST_OFFSET_MINUTES;
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

function toEpoch(t: WallTime, field: string, raw: string): Result<number | null> {
  const { year, month, day, hour, minute, second, millis } = t;
  const utcWall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  const check = new Date(utcWall);
  if (
    month < 1 ||
    month > 12 ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    return fail(at(field, `invalid date/time ${JSON.stringify(raw)}`));
  }
  if (utcWall < SENTINEL_BEFORE) return ok(null);
  return ok(utcWall - t.offsetMinutes * 60_000);
}

/** Fraction digits (1..9) to whole milliseconds, truncated so ".0921673" → 92. */
function fractionToMillis(fraction: string | undefined): number {
  if (!fraction) return 0;
  return Number(fraction.padEnd(3, '0').slice(0, 3));
}

/**
 * Broker timestamp → epoch ms, independent of the host's time zone.
 * Accepts Kite `yyyy-mm-dd hh:mm:ss` (IST, no offset), XTS `2025-01-30T14:08:02.0921673` (IST, no
 * offset), `30-01-2025 14:08:02`, any of them with `+05:30`/`Z`, and a `Date` made by the kiteconnect
 * client (which parsed the IST string as host-local time; its local fields are the IST wall clock).
 * null/""/the 1980 sentinel → null.
 */
export function parseBrokerTimestamp(value: unknown, field: string): Result<number | null> {
  if (value === null || value === undefined) return ok(null);
  if (value instanceof Date) return fromClientDate(value, field);
  if (typeof value !== 'string') return fail(at(field, `expected a timestamp string, got ${typeof value}`));
  const text = value.trim();
  if (text === '') return ok(null);
  // Both formats carry the same parts; only the position of year, month and day differs.
  for (const [pattern, [y, mo, d]] of FORMATS) {
    const m = pattern.exec(text);
    if (!m) continue;
    return toEpoch(
      {
        year: Number(m[y]),
        month: Number(m[mo]),
        day: Number(m[d]),
        hour: Number(m[4]),
        minute: Number(m[5]),
        second: Number(m[6]),
        millis: fractionToMillis(m[7]),
        offsetMinutes: offsetOf(m[8]),
      },
      field,
      text,
    );
  }
  return fail(at(field, `unrecognised timestamp ${JSON.stringify(text.slice(0, 40))}`));
}

/**
 * kiteconnect turns 19-character timestamps into `new Date(str)`, i.e. host-local time. Its local
 * fields are the IST wall clock we need, except inside a host DST gap (then off by the gap); the
 * ZerodhaAdapter avoids that by keeping the client from converting at all (see zerodha.adapter.ts).
 */
function fromClientDate(date: Date, field: string): Result<number | null> {
  if (Number.isNaN(date.getTime())) return fail(at(field, `invalid Date`));
  return toEpoch(
    {
      year: date.getFullYear(),
      month: date.getMonth() + 1,
      day: date.getDate(),
      hour: date.getHours(),
      minute: date.getMinutes(),
      second: date.getSeconds(),
      millis: date.getMilliseconds(),
      offsetMinutes: IST_OFFSET_MINUTES,
    },
    field,
    date.toISOString(),
  );
}

/**
 * Kite trade rows carry `order_timestamp` as time only ("09:16:39"); it is placed on the IST date of
 * `reference` (the fill time). Without a reference it is unknown (null).
 */
export function parseIstTimeOfDay(
  value: unknown,
  field: string,
  reference: number | null,
): Result<number | null> {
  if (value === null || value === undefined || value === '') return ok(null);
  if (typeof value !== 'string') return fail(at(field, `expected hh:mm:ss, got ${typeof value}`));
  const m = TIME_ONLY.exec(value.trim());
  if (!m) return parseBrokerTimestamp(value, field);
  if (reference === null) return ok(null);
  const ist = new Date(reference + IST_OFFSET_MINUTES * 60_000);
  return toEpoch(
    {
      year: ist.getUTCFullYear(),
      month: ist.getUTCMonth() + 1,
      day: ist.getUTCDate(),
      hour: Number(m[1]),
      minute: Number(m[2]),
      second: Number(m[3]),
      millis: 0,
      offsetMinutes: IST_OFFSET_MINUTES,
    },
    field,
    value,
  );
}

/** Epoch ms → Kite wire format `yyyy-mm-dd hh:mm:ss` in IST (for tests and the paper broker). */
export function formatIst(epochMs: number): string {
  const d = new Date(epochMs + IST_OFFSET_MINUTES * 60_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
