import fc from 'fast-check';
import {
  normalizeKiteOrder,
  normalizeKitePositions,
  normalizeKiteTrade,
  parseKiteEnvelope,
} from './kite/kite-normalize';
import { decodeKiteTickFrame } from './kite/kite-ticks';
import type { Result } from './result';
import {
  normalizeXtsOrder,
  normalizeXtsPosition,
  normalizeXtsTrade,
  parseXtsEnvelope,
} from './xts/xts-normalize';

/**
 * Any payload, well-formed or not, either normalizes or is refused with a readable error; the
 * normalizers never throw. Well-formed payloads always normalize.
 */
const pad = (n: number) => String(n).padStart(2, '0');
const kiteTime = fc
  .record({
    d: fc.integer({ min: 1, max: 28 }),
    mo: fc.integer({ min: 1, max: 12 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
  })
  .map(({ d, mo, h, mi }) => `2025-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:07`);
const xtsTime = fc.oneof(
  kiteTime.map((t) => t.replace(' ', 'T') + '.0921673'),
  kiteTime.map((t) => `${t.slice(8, 10)}-${t.slice(5, 7)}-${t.slice(0, 4)} ${t.slice(11)}`),
  kiteTime.map((t) => t.replace(' ', 'T') + '+05:30'),
);
const money = fc.integer({ min: 0, max: 5_000_000 }).map((p) => p / 20);
const withCommas = (n: number) =>
  n.toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

const KITE_STATUSES = [
  'PUT ORDER REQ RECEIVED',
  'VALIDATION PENDING',
  'OPEN PENDING',
  'OPEN',
  'TRIGGER PENDING',
  'MODIFY PENDING',
  'MODIFIED',
  'CANCEL PENDING',
  'UPDATE',
  'COMPLETE',
  'CANCELLED',
  'REJECTED',
  'SOMETHING NEW',
];

const kiteOrder = fc
  .record({
    order_id: fc.bigInt({ min: 10n ** 14n, max: 9_223_372_036_854_775_807n }).map(String),
    status: fc.constantFrom(...KITE_STATUSES),
    exchange: fc.constantFrom('NSE', 'NFO', 'BSE', 'MCX'),
    tradingsymbol: fc.constantFrom('SBIN', 'NIFTY2611324000CE', 'RELIANCE'),
    transaction_type: fc.constantFrom('BUY', 'SELL', 'buy'),
    order_type: fc.constantFrom('MARKET', 'LIMIT', 'SL', 'SL-M'),
    product: fc.constantFrom('CNC', 'MIS', 'NRML', 'MTF'),
    quantity: fc.integer({ min: 1, max: 100_000 }),
    price: money,
    trigger_price: money,
    average_price: money,
    order_timestamp: kiteTime,
    exchange_timestamp: fc.option(kiteTime),
    exchange_order_id: fc.option(fc.bigInt({ min: 10n ** 15n, max: 10n ** 16n }).map(String)),
    tag: fc.option(fc.stringMatching(/^[a-zA-Z0-9]{1,20}$/)),
    user_id: fc.constant('AB1234'),
    checksum: fc.constantFrom('', 'abc'),
  })
  .chain((o) =>
    fc
      .integer({ min: 0, max: o.quantity })
      .map((filled) => ({
        ...o,
        filled_quantity: filled,
        pending_quantity: o.quantity - filled,
        cancelled_quantity: 0,
      })),
  );

const xtsOrder = fc
  .record({
    AppOrderID: fc.oneof(
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.integer({ min: 1, max: 2 ** 31 }).map(String),
    ),
    ClientID: fc.constant('JN0001'),
    ExchangeOrderID: fc.constantFrom('', '1005239196374108'),
    ExchangeSegment: fc.constantFrom('NSECM', 'NSEFO', 'BSECM', 1, 2),
    ExchangeInstrumentID: fc.integer({ min: 1, max: 99_999 }),
    OrderSide: fc.constantFrom('Buy', 'BUY', 'buy', 'Sell', 'SELL'),
    OrderType: fc.constantFrom('Limit', 'LIMIT', 'Market', 'StopLimit', 'StopMarket', 'STOPMARKET'),
    ProductType: fc.constantFrom('MIS', 'NRML', 'CNC'),
    OrderStatus: fc.constantFrom(
      'PendingNew',
      'New',
      'PartiallyFilled',
      'Filled',
      'Cancelled',
      'Rejected',
      'Replaced',
      'PendingCancel',
      'PendingReplace',
      'Weird',
    ),
    OrderPrice: money,
    OrderStopPrice: money,
    OrderQuantity: fc.integer({ min: 1, max: 100_000 }),
    OrderAverageTradedPrice: fc.oneof(fc.constant(''), fc.constant('NaN'), money.map(withCommas), money),
    LastUpdateDateTime: xtsTime,
    ExchangeTransactTime: xtsTime,
    CancelRejectReason: fc.constantFrom('', '17071 : The order could have resulted in self trade '),
    OrderUniqueIdentifier: fc.stringMatching(/^[a-zA-Z0-9]{0,20}$/),
  })
  .chain((o) =>
    fc
      .integer({ min: 0, max: o.OrderQuantity })
      .map((cum) => ({ ...o, CumulativeQuantity: cum, LeavesQuantity: o.OrderQuantity - cum })),
  );

/** Nested junk, huge numbers, wrong types. */
const junk = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(
    1e308,
    -1e308,
    Number.MAX_VALUE,
    2 ** 64,
    -0,
    NaN,
    Infinity,
    '',
    'NaN',
    '9'.repeat(400),
    '1,2,3',
    '٣',
  ),
  fc.string({ maxLength: 50 }),
);

/** Removes, retypes or junks some fields of a well-formed payload. */
function mutate<T extends Record<string, unknown>>(
  base: fc.Arbitrary<T>,
): fc.Arbitrary<Record<string, unknown>> {
  return base.chain((obj) =>
    fc
      .array(
        fc.record({
          key: fc.constantFrom(...Object.keys(obj)),
          action: fc.constantFrom('delete', 'junk'),
          value: junk,
        }),
        {
          minLength: 1,
          maxLength: 4,
        },
      )
      .map((changes) => {
        const copy: Record<string, unknown> = { ...obj };
        for (const c of changes) {
          if (c.action === 'delete') delete copy[c.key];
          else copy[c.key] = c.value;
        }
        return copy;
      }),
  );
}

function expectResult(r: Result<unknown>): void {
  expect(typeof r.ok).toBe('boolean');
  if (!r.ok) {
    expect(typeof r.error).toBe('string');
    expect(r.error.length).toBeGreaterThan(5);
  }
}

const NORMALIZERS: Array<[string, (raw: unknown) => Result<unknown>]> = [
  ['kite order', (r) => normalizeKiteOrder(r)],
  ['kite trade', (r) => normalizeKiteTrade(r, { accountId: 'A' })],
  ['kite positions', (r) => normalizeKitePositions(r, { accountId: 'A' })],
  ['kite envelope', parseKiteEnvelope],
  ['xts order', (r) => normalizeXtsOrder(r)],
  ['xts trade', (r) => normalizeXtsTrade(r, { accountId: 'A' })],
  ['xts position', (r) => normalizeXtsPosition(r, { accountId: 'A' })],
  ['xts envelope', parseXtsEnvelope],
];

describe('normalizers under random input (fast-check)', () => {
  it('normalize every well-formed Kite order, keeping its id digits and emptying terminal orders', () => {
    fc.assert(
      fc.property(kiteOrder, (o) => {
        const r = normalizeKiteOrder(o);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(r.value.brokerOrderId).toBe(o.order_id);
        expect(r.value.filledQuantity).toBe(o.filled_quantity);
        if (['FILLED', 'CANCELLED', 'REJECTED'].includes(r.value.status))
          expect(r.value.pendingQuantity).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('normalize every well-formed XTS order, as an object or as the socket JSON string', () => {
    fc.assert(
      fc.property(xtsOrder, fc.boolean(), (o, asString) => {
        const r = normalizeXtsOrder(asString ? JSON.stringify(o) : o);
        expect(r).toMatchObject({ ok: true });
        if (!r.ok) return;
        expect(r.value.brokerOrderId).toBe(String(o.AppOrderID));
        expect(r.value.side).toBe(o.OrderSide.toUpperCase());
        expect(r.value.statusMessage).toBe(o.CancelRejectReason.trim() || null);
      }),
      { numRuns: 300 },
    );
  });

  it('never throw on mutated payloads and name the field they refuse', () => {
    fc.assert(
      fc.property(mutate(kiteOrder), (o) => {
        const r = normalizeKiteOrder(o);
        expectResult(r);
        if (!r.ok) expect(r.error).toMatch(/^kite order/);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(mutate(xtsOrder), fc.boolean(), (o, asString) => {
        const r = normalizeXtsOrder(asString ? JSON.stringify(o) : o);
        expectResult(r);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a wrongly typed id with an error naming it', () => {
    fc.assert(
      fc.property(kiteOrder, fc.constantFrom({}, [], true, 2 ** 60, null), (o, bad) => {
        const r = normalizeKiteOrder({ ...o, order_id: bad });
        expect(r.ok).toBe(false);
        expect(!r.ok && r.error).toContain('order_id');
      }),
    );
  });

  it.each(NORMALIZERS)('%s never throws on arbitrary values and strings', (_name, normalize) => {
    fc.assert(
      fc.property(
        fc.oneof(
          junk,
          fc.json().map((j) => j),
          fc.dictionary(fc.string({ maxLength: 12 }), junk),
        ),
        (value) => {
          expectResult(normalize(value));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('decodes arbitrary binary frames to ticks or a clear error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectResult(decodeKiteTickFrame(bytes));
      }),
      { numRuns: 500 },
    );
  });
});
