import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeKitePacket } from './kite/kite-ticks';
import {
  normalizeKiteAccount,
  normalizeKiteHolding,
  normalizeKiteOrder,
  normalizeKiteOrderAck,
  normalizeKitePositions,
  normalizeKiteQuotes,
  normalizeKiteSession,
  normalizeKiteTrade,
  parseKiteEnvelope,
} from './kite/kite-normalize';
import { parseBrokerTimestamp } from './parsing/ist-time';
import type { Result } from './result';
import {
  normalizeXtsLogin,
  normalizeXtsOrder,
  normalizeXtsOrderAck,
  normalizeXtsPosition,
  parseXtsEnvelope,
} from './xts/xts-normalize';

/**
 * Every payload in ../shared/fixtures goes through its normalizer and is compared with the checked-in
 * golden output (UPDATE_GOLDEN=1 rewrites them). A fixture without a normalizer fails the test.
 */
const FIXTURES = process.env.FILLWIRE_FIXTURES_DIR ?? resolve(__dirname, '../../../../shared/fixtures');
const GOLDEN = join(__dirname, '__golden__');
const ACCOUNT = { accountId: 'AB1234' };

function kiteData(raw: unknown): unknown {
  const env = parseKiteEnvelope(raw);
  if (!env.ok || !env.value.ok)
    throw new Error(`fixture is not a Kite success envelope: ${JSON.stringify(env)}`);
  return env.value.data;
}
const each = <T>(rows: unknown, fn: (row: unknown) => Result<T>) => (rows as unknown[]).map(fn);
const xtsResult = (raw: unknown): unknown => {
  const env = parseXtsEnvelope(raw);
  if (!env.ok) throw new Error(env.error);
  return env.value.result;
};
const tickerJson = (raw: { instrument_token: number; last_price: number; timestamp?: string }) => ({
  instrumentToken: raw.instrument_token,
  lastPrice: raw.last_price,
  exchangeTimestamp: parseBrokerTimestamp(raw.timestamp ?? null, 'timestamp'),
});

const NORMALIZERS: Record<string, (text: string) => unknown> = {
  'kite/orders.json': (t) => each(kiteData(JSON.parse(t)), (r) => normalizeKiteOrder(r)),
  'kite/order_info.json': (t) => each(kiteData(JSON.parse(t)), (r) => normalizeKiteOrder(r)),
  'kite/order_trades.json': (t) => each(kiteData(JSON.parse(t)), (r) => normalizeKiteTrade(r, ACCOUNT)),
  'kite/positions.json': (t) => normalizeKitePositions(kiteData(JSON.parse(t)), ACCOUNT),
  'kite/holdings.json': (t) => each(kiteData(JSON.parse(t)), (r) => normalizeKiteHolding(r, ACCOUNT)),
  'kite/order_response.json': (t) => normalizeKiteOrderAck(kiteData(JSON.parse(t)), ACCOUNT),
  'kite/order_modify.json': (t) => normalizeKiteOrderAck(kiteData(JSON.parse(t)), ACCOUNT),
  'kite/order_cancel.json': (t) => normalizeKiteOrderAck(kiteData(JSON.parse(t)), ACCOUNT),
  'kite/autoslice_response.json': (t) => normalizeKiteOrderAck(kiteData(JSON.parse(t)), ACCOUNT),
  'kite/generate_session.json': (t) => normalizeKiteSession(kiteData(JSON.parse(t))),
  'kite/profile.json': (t) => normalizeKiteAccount(kiteData(JSON.parse(t)), undefined),
  'kite/margins.json': (t) => normalizeKiteAccount(undefined, kiteData(JSON.parse(t)), ACCOUNT),
  'kite/ltp.json': (t) => normalizeKiteQuotes(kiteData(JSON.parse(t))),
  'kite/quote.json': (t) => normalizeKiteQuotes(kiteData(JSON.parse(t))),
  'kite/order_margins.json': (t) => parseKiteEnvelope(JSON.parse(t)).ok,
  'kite/convert_position.json': (t) => parseKiteEnvelope(JSON.parse(t)),
  'kite/session_logout.json': (t) => parseKiteEnvelope(JSON.parse(t)),
  'kite/ticker_quote.packet': (t) => decodeKitePacket(Buffer.from(t, 'base64')),
  'kite/ticker_full.packet': (t) => decodeKitePacket(Buffer.from(t, 'base64')),
  'kite/ticker_ltp.json': (t) => tickerJson(JSON.parse(t) as Parameters<typeof tickerJson>[0]),
  'kite/ticker_quote.json': (t) => tickerJson(JSON.parse(t) as Parameters<typeof tickerJson>[0]),
  'kite/ticker_full.json': (t) => tickerJson(JSON.parse(t) as Parameters<typeof tickerJson>[0]),
  'xts/xts_rest_cancel_order_response.json': (t) =>
    normalizeXtsOrderAck(xtsResult(JSON.parse(t)), { accountId: 'JN0001' }),
  'xts/xts_rest_place_order_response.json': (t) =>
    normalizeXtsOrderAck(xtsResult(JSON.parse(t)), { accountId: 'JN0001' }),
  'xts/xts_rest_error_e-session-0002.json': (t) => parseXtsEnvelope(JSON.parse(t)),
  'xts/xts_rest_login_response_sdk_comment.json': (t) => normalizeXtsLogin(xtsResult(JSON.parse(t))),
  'xts/xts_rest_orderbook_response.json': (t) => each(xtsResult(JSON.parse(t)), (r) => normalizeXtsOrder(r)),
  'xts/xts_rest_position_row_sdk_comment.json': (t) => normalizeXtsPosition(JSON.parse(t)),
  // Socket payloads arrive as JSON strings: feed the text as the socket would.
  'xts/xts_socket_order_event_pendingnew.json': (t) => normalizeXtsOrder(t),
  'xts/xts_socket_position_event_doc.json': (t) => normalizeXtsPosition(t),
  'xts/xts_socket_tradeconversion_event_doc.json': () => ({
    ignored: 'tradeConversion (9007) is not consumed by the adapters',
  }),
};

function fixtureFiles(): string[] {
  return ['kite', 'xts'].flatMap((dir) => readdirSync(join(FIXTURES, dir)).map((f) => `${dir}/${f}`)).sort();
}

describe('normalization of every broker fixture (golden)', () => {
  it('has a normalizer for every fixture file', () => {
    expect(fixtureFiles().filter((f) => !(f in NORMALIZERS))).toEqual([]);
  });

  it.each(fixtureFiles())('%s matches its golden output', (file) => {
    const normalize = NORMALIZERS[file];
    expect(normalize).toBeDefined();
    const actual = JSON.parse(JSON.stringify(normalize(readFileSync(join(FIXTURES, file), 'utf8'))));
    const goldenPath = join(GOLDEN, `${file}.golden.json`);
    if (process.env.UPDATE_GOLDEN === '1') {
      mkdirSync(join(goldenPath, '..'), { recursive: true });
      writeFileSync(goldenPath, `${JSON.stringify(actual, null, 2)}\n`);
    }
    expect(existsSync(goldenPath)).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
  });

  it('decodes the binary ticker packets to the values of their decoded JSON twins', () => {
    for (const mode of ['quote', 'full']) {
      const packet = decodeKitePacket(
        Buffer.from(readFileSync(join(FIXTURES, `kite/ticker_${mode}.packet`), 'utf8'), 'base64'),
      );
      const twin = JSON.parse(readFileSync(join(FIXTURES, `kite/ticker_${mode}.json`), 'utf8')) as {
        instrument_token: number;
        last_price: number;
      };
      expect(packet.ok && packet.value.instrumentToken).toBe(twin.instrument_token);
      expect(packet.ok && packet.value.lastPrice).toBe(twin.last_price);
    }
  });
});
