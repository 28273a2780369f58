import { parseBrokerTime } from './broker-time';

// 2022-03-03 09:24:25 IST = 03:54:25 UTC
const KITE_MS = Date.UTC(2022, 2, 3, 3, 54, 25);

describe('parseBrokerTime', () => {
  it.each([
    ['Kite order_timestamp', '2022-03-03 09:24:25', KITE_MS],
    ['ISO without offset (IST)', '2022-03-03T09:24:25', KITE_MS],
    ['XTS 7-digit fraction, truncated to ms', '2022-03-03T09:24:25.0921673', KITE_MS + 92],
    ['XTS dd-MM-yyyy', '03-03-2022 09:24:25', KITE_MS],
    ['ISO with +05:30', '2022-03-03T09:24:25+05:30', KITE_MS],
    ['ISO with Z', '2022-03-03T03:54:25Z', KITE_MS],
    ['surrounding spaces', ' 2022-03-03 09:24:25 ', KITE_MS],
  ])('%s', (_label, input, expected) => {
    expect(parseBrokerTime(input)).toBe(expected);
  });

  it('reads kiteconnect Dates (IST text parsed in the host timezone) back as IST', () => {
    // kiteconnect does `new Date("2022-03-03 09:24:25")`, i.e. local wall-clock fields.
    expect(parseBrokerTime(new Date(2022, 2, 3, 9, 24, 25))).toBe(KITE_MS);
  });

  it('passes epoch ms through', () => {
    expect(parseBrokerTime(KITE_MS)).toBe(KITE_MS);
  });

  it.each([
    null,
    undefined,
    '',
    'garbage',
    '1980-01-01T00:00:00',
    '01-01-1980 00:00:00',
    Number.NaN,
    '2022-13-45',
    '2022-13-01 10:00:00',
    '31-12-2022 24:00:00',
  ])('returns null for %p', (input) => {
    expect(parseBrokerTime(input)).toBeNull();
  });
});
