// The host zone must not matter: run the same expectations under a zone far from IST (set before any Date use).
process.env.TZ = 'America/New_York';

import { formatIst, parseBrokerTimestamp, parseIstTimeOfDay } from './ist-time';

const IST_0918 = Date.UTC(2021, 4, 31, 3, 48, 57); // 2021-05-31 09:18:57 IST

describe.each(['America/New_York', 'UTC', 'Asia/Kolkata'])(
  'broker timestamps with the host in %s',
  (zone) => {
    beforeAll(() => {
      process.env.TZ = zone;
    });

    it('reads Kite "yyyy-mm-dd hh:mm:ss" as IST', () => {
      expect(parseBrokerTimestamp('2021-05-31 09:18:57', 'f')).toEqual({ ok: true, value: IST_0918 });
    });

    it('reads the XTS ISO form without offset as IST, with 7 fraction digits truncated to ms', () => {
      expect(parseBrokerTimestamp('2025-01-30T14:08:02.0921673', 'f')).toEqual({
        ok: true,
        value: Date.UTC(2025, 0, 30, 8, 38, 2, 92),
      });
    });

    it('honours explicit offsets', () => {
      expect(parseBrokerTimestamp('2025-01-30T14:08:00+05:30', 'f')).toEqual({
        ok: true,
        value: Date.UTC(2025, 0, 30, 8, 38, 0),
      });
      expect(parseBrokerTimestamp('2025-01-30T08:38:00Z', 'f')).toEqual({
        ok: true,
        value: Date.UTC(2025, 0, 30, 8, 38, 0),
      });
      expect(parseBrokerTimestamp('30-01-2025 14:08:00+0530', 'f')).toEqual({
        ok: true,
        value: Date.UTC(2025, 0, 30, 8, 38, 0),
      });
    });

    it('reads the XTS "dd-mm-yyyy hh:mm:ss" form as IST', () => {
      expect(parseBrokerTimestamp('30-01-2025 14:08:02', 'f')).toEqual({
        ok: true,
        value: Date.UTC(2025, 0, 30, 8, 38, 2),
      });
    });

    it('maps the 1980-01-01 sentinel, "" and null to null', () => {
      for (const v of ['1980-01-01T00:00:00', '01-01-1980 00:00:00', '', null, undefined]) {
        expect(parseBrokerTimestamp(v, 'f')).toEqual({ ok: true, value: null });
      }
    });

    it('undoes the kiteconnect client conversion (a host-local Date of the IST wall clock)', () => {
      // What kiteconnect does with "2021-05-31 09:18:57": new Date(str) in the host zone.
      expect(parseBrokerTimestamp(new Date('2021-05-31T09:18:57'), 'f')).toEqual({
        ok: true,
        value: IST_0918,
      });
    });

    it('places a time-only Kite trade order_timestamp on the IST day of the reference', () => {
      // 00:30 IST on 1 June is still 31 May in UTC: the day must be the IST one.
      const reference = Date.UTC(2021, 4, 31, 19, 0, 0);
      expect(parseIstTimeOfDay('09:16:39', 'order_timestamp', reference)).toEqual({
        ok: true,
        value: Date.UTC(2021, 5, 1, 3, 46, 39),
      });
      expect(parseIstTimeOfDay('09:16:39', 'order_timestamp', null)).toEqual({ ok: true, value: null });
    });

    it('rejects impossible and unknown forms naming the field', () => {
      for (const v of [
        '2021-02-30 10:00:00',
        '2021-13-01 10:00:00',
        '2021-05-31 24:00:00',
        'yesterday',
        '1622432937',
      ]) {
        const r = parseBrokerTimestamp(v, 'order_timestamp');
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error).toMatch(/^order_timestamp: /);
      }
      expect(parseBrokerTimestamp(1622432937, 'ts')).toEqual({
        ok: false,
        error: 'ts: expected a timestamp string, got number',
      });
    });

    it('formats back to the Kite wire form', () => {
      expect(formatIst(IST_0918)).toBe('2021-05-31 09:18:57');
    });
  },
);
