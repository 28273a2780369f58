import { dueSquareOff, istClock, parseSquareOffSchedule } from './square-off-schedule';

// 2026-01-05 is a Monday. 09:45 UTC = 15:15 IST.
const at = (isoUtc: string) => Date.parse(isoUtc);

describe('MIS square-off schedule (IST, any host timezone)', () => {
  const schedule = parseSquareOffSchedule('zerodha:NSE=15:20,zerodha:NFO=15:25', ['2026-01-26']);

  it('reads instants in IST whatever TZ says', () => {
    expect(istClock(at('2026-01-05T09:45:00Z'))).toEqual({
      date: '2026-01-05',
      minute: 15 * 60 + 15,
      weekday: 1,
    });
    // 20:00 UTC on Monday is already Tuesday 01:30 in India.
    expect(istClock(at('2026-01-05T20:00:00Z'))).toMatchObject({ date: '2026-01-06', weekday: 2 });
  });

  it('is due from the exchange cut-off, with per-broker overrides', () => {
    expect(dueSquareOff(schedule, 'jainam', 'NSE', at('2026-01-05T09:44:59Z'))).toBeNull();
    expect(dueSquareOff(schedule, 'jainam', 'NSE', at('2026-01-05T09:45:00Z'))).toBe('2026-01-05');
    expect(dueSquareOff(schedule, 'zerodha', 'NSE', at('2026-01-05T09:45:00Z'))).toBeNull();
    expect(dueSquareOff(schedule, 'zerodha', 'NSE', at('2026-01-05T09:50:00Z'))).toBe('2026-01-05');
    expect(dueSquareOff(schedule, 'zerodha', 'NFO', at('2026-01-05T09:50:00Z'))).toBeNull();
    expect(dueSquareOff(schedule, 'jainam', 'CDS', at('2026-01-05T11:14:00Z'))).toBeNull();
    expect(dueSquareOff(schedule, 'jainam', 'CDS', at('2026-01-05T11:15:00Z'))).toBe('2026-01-05');
    expect(dueSquareOff(schedule, 'jainam', 'MCX', at('2026-01-05T17:59:00Z'))).toBeNull();
    expect(dueSquareOff(schedule, 'jainam', 'MCX', at('2026-01-05T18:00:00Z'))).toBe('2026-01-05');
  });

  it('skips weekends and configured holidays', () => {
    expect(dueSquareOff(schedule, 'jainam', 'NSE', at('2026-01-03T10:00:00Z'))).toBeNull(); // Saturday
    expect(dueSquareOff(schedule, 'jainam', 'NSE', at('2026-01-04T10:00:00Z'))).toBeNull(); // Sunday
    expect(dueSquareOff(schedule, 'jainam', 'NSE', at('2026-01-26T10:00:00Z'))).toBeNull(); // holiday
  });

  it('refuses malformed settings', () => {
    expect(() => parseSquareOffSchedule('NSE=25:00', [])).toThrow(/SQUARE_OFF_TIMES/);
    expect(() => parseSquareOffSchedule('XYZ=15:00', [])).toThrow(/SQUARE_OFF_TIMES/);
    expect(() => parseSquareOffSchedule('', ['26-01-2026'])).toThrow(/SQUARE_OFF_HOLIDAYS/);
  });
});
