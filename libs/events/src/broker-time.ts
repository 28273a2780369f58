/** India has no DST: IST is always UTC+05:30. */
const IST_OFFSET_MS = 330 * 60_000;

const YMD = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const DMY = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;
const WITH_OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/;

function istWallClock(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  fraction = '',
): number {
  const ms = Number((fraction + '000').slice(0, 3));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - IST_OFFSET_MS;
}

/**
 * A broker timestamp → epoch ms, independent of the host's timezone, or null when absent.
 * Accepts Kite `yyyy-mm-dd hh:mm:ss` (IST, no offset), XTS `2025-01-30T14:08:02.0921673` (IST),
 * XTS `dd-MM-yyyy HH:mm:ss` (IST), ISO strings with an offset, epoch ms, and the `Date` objects the
 * `kiteconnect` client makes by parsing IST strings in the host's local timezone (their local
 * wall-clock fields are the IST wall clock). XTS's `1980-01-01` "no date" sentinel → null.
 * Every channel must use this so the same state gets the same id (see docs/events.md).
 */
export function parseBrokerTime(value: string | number | Date | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  let ms: number;
  if (value instanceof Date) {
    ms = istWallClock(
      value.getFullYear(),
      value.getMonth() + 1,
      value.getDate(),
      value.getHours(),
      value.getMinutes(),
      value.getSeconds(),
      String(value.getMilliseconds()).padStart(3, '0'),
    );
  } else if (typeof value === 'number') {
    ms = value;
  } else {
    const text = value.trim();
    const ymd = YMD.exec(text);
    const dmy = ymd ? null : DMY.exec(text);
    if (ymd) {
      const [, y, mo, d, h, mi, s, f] = ymd;
      ms = istWallClock(+y, +mo, +d, +h, +mi, +s, f);
    } else if (dmy) {
      const [, d, mo, y, h, mi, s, f] = dmy;
      ms = istWallClock(+y, +mo, +d, +h, +mi, +s, f);
    } else if (WITH_OFFSET.test(text)) {
      ms = Date.parse(text);
    } else {
      return null;
    }
  }
  if (!Number.isFinite(ms)) return null;
  // XTS writes 1980-01-01 for "no date"; nothing real happened before 1990 on these brokers.
  return ms < Date.UTC(1990, 0, 1) ? null : ms;
}
