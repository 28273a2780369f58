import { kiteSessionExpiresAt } from './kite-session-expiry';

// 06:00 IST is 00:30 UTC.
const utc = (iso: string): number => Date.parse(`${iso}Z`);

describe('kiteSessionExpiresAt', () => {
  it.each([
    ['a morning login lasts until 06:00 IST the next day', '2025-03-10T04:00:00', '2025-03-11T00:30:00'],
    [
      'an evening login (after UTC midnight, before IST 06:00) ends the same IST morning',
      '2025-03-10T20:00:00',
      '2025-03-11T00:30:00',
    ],
    ['a login at 03:00 IST ends three hours later', '2025-03-09T21:30:00', '2025-03-10T00:30:00'],
    ['a login at 06:00:00 IST exactly gets the next day', '2025-03-10T00:30:00', '2025-03-11T00:30:00'],
    [
      'a login a millisecond before 06:00 IST ends a millisecond later',
      '2025-03-10T00:29:59.999',
      '2025-03-10T00:30:00',
    ],
    ['year end rolls over', '2025-12-31T10:00:00', '2026-01-01T00:30:00'],
  ])('%s', (_what, login, expiry) => {
    expect(new Date(kiteSessionExpiresAt(utc(login))).toISOString()).toBe(
      new Date(utc(expiry)).toISOString(),
    );
  });

  it('is always in the future and at most a day away', () => {
    for (let t = utc('2025-06-01T00:00:00'); t < utc('2025-06-03T00:00:00'); t += 7 * 60_000 + 13) {
      const expiry = kiteSessionExpiresAt(t);
      expect(expiry).toBeGreaterThan(t);
      expect(expiry - t).toBeLessThanOrEqual(24 * 3_600_000);
      expect(new Date(expiry).getUTCHours() * 60 + new Date(expiry).getUTCMinutes()).toBe(30);
    }
  });
});
