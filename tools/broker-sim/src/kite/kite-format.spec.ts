import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { istTimestamp, postbackChecksum, sessionChecksum } from './kite-format';
import { decodeFrame, decodePacket, encodeFrame, encodePacket } from './kite-ticker.codec';

const FIXTURES = resolve(
  process.env.FILLWIRE_FIXTURES_DIR ?? resolve(__dirname, '../../../../../shared/fixtures'),
  'kite',
);
const packet = (name: string) => Buffer.from(readFileSync(resolve(FIXTURES, name), 'utf8').trim(), 'base64');
const json = (name: string) =>
  JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const epoch = (iso: unknown) => Date.parse(String(iso)) / 1000;

describe('Kite checksums', () => {
  it('matches the session checksum test vector of brokers.md §1.2', () => {
    expect(sessionChecksum('my_api_key', 'my_request_token', 'my_api_secret')).toBe(
      '9d183880c6b1b8cbef59720852c4b880eefc4de66027736a55bc5c51fcdc7464',
    );
  });

  it('matches the postback checksum test vector of brokers.md §1.9', () => {
    expect(postbackChecksum('220303000308932', '2022-03-03 09:24:25', 'test_api_secret')).toBe(
      '921a4c1420e9e07eaa8152e0964693f0656a0c5ce049f187ac3cc475d622aa36',
    );
  });
});

describe('istTimestamp', () => {
  it('formats IST without an offset whatever the epoch instant', () => {
    expect(istTimestamp(Date.UTC(2026, 10, 23, 3, 45, 7))).toBe('2026-11-23 09:15:07');
    expect(istTimestamp(new Date(Date.UTC(2026, 10, 23, 20, 0, 0)))).toBe('2026-11-24 01:30:00');
  });
});

describe('Kite ticker codec', () => {
  it('decodes the quote fixture packet like the official clients', () => {
    const bin = packet('ticker_quote.packet');
    const expected = json('ticker_quote.json');
    expect(bin).toHaveLength(44);
    const tick = decodePacket(bin);
    expect(tick).toEqual(
      expect.objectContaining({
        mode: 'quote',
        tradable: true,
        instrument_token: expected.instrument_token,
        last_price: expected.last_price,
        last_quantity: expected.last_quantity,
        average_price: expected.average_price,
        volume: expected.volume,
        buy_quantity: expected.buy_quantity,
        sell_quantity: expected.sell_quantity,
        ohlc: expected.ohlc,
      }),
    );
    expect(encodePacket(tick).equals(bin)).toBe(true);
  });

  it('decodes the full fixture packet including depth, and re-encodes it byte for byte', () => {
    const bin = packet('ticker_full.packet');
    const expected = json('ticker_full.json');
    expect(bin).toHaveLength(184);
    const tick = decodePacket(bin);
    expect(tick.mode).toBe('full');
    expect(tick.last_price).toBe(expected.last_price);
    expect(tick.ohlc).toEqual(expected.ohlc);
    expect(tick.depth).toEqual(expected.depth);
    expect(tick.last_trade_time).toBe(epoch(expected.last_trade_time));
    expect(tick.timestamp).toBe(epoch(expected.timestamp));
    expect(tick.oi).toBe(expected.oi);
    expect(encodePacket(tick).equals(bin)).toBe(true);
  });

  it('frames packets with a count and length prefixes', () => {
    const ltp = encodePacket({ instrument_token: 779521, mode: 'ltp', tradable: true, last_price: 812.45 });
    const index = encodePacket({
      instrument_token: 256265,
      mode: 'full',
      tradable: false,
      last_price: 26012.35,
      ohlc: { open: 26000, high: 26050, low: 25990.5, close: 25980 },
      timestamp: 1_795_000_000,
    });
    expect(ltp).toHaveLength(8);
    expect(index).toHaveLength(32);
    const frame = encodeFrame([ltp, index]);
    expect(frame.readInt16BE(0)).toBe(2);
    const [a, b] = decodeFrame(frame);
    expect(a).toEqual({ instrument_token: 779521, mode: 'ltp', tradable: true, last_price: 812.45 });
    expect(b).toEqual(
      expect.objectContaining({
        mode: 'full',
        tradable: false,
        last_price: 26012.35,
        timestamp: 1_795_000_000,
      }),
    );
    expect(b.ohlc).toEqual({ open: 26000, high: 26050, low: 25990.5, close: 25980 });
  });
});
