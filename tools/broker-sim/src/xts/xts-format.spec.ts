import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SimOrder, SimOrderSnapshot, SimPosition, SimTrade } from '../engine/engine.types';
import { defaultInstruments } from '../engine/instruments';
import {
  orderRow,
  restPositionRow,
  socketPositionRow,
  tradeRow,
  xtsAmount,
  xtsApiDateTime,
  xtsDateTime,
  xtsExchangeTime,
  xtsStatus,
} from './xts-format';

const FIXTURES = resolve(
  process.env.FILLWIRE_FIXTURES_DIR ?? resolve(__dirname, '../../../../../shared/fixtures'),
  'xts',
);
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const keys = (o: object): string[] => Object.keys(o).sort();

const who = { userID: 'JN0001', clientID: 'JN0001' };
const instruments = defaultInstruments();
const sbin = instruments.find((i) => i.tradingsymbol === 'SBIN')!;
const reliance = instruments.find((i) => i.tradingsymbol === 'RELIANCE')!;
const at = new Date('2025-01-30T08:38:02.092Z');

function snapshot(overrides: Partial<SimOrderSnapshot> = {}): SimOrderSnapshot {
  return {
    state: 'open',
    quantity: 150,
    price: 2850,
    triggerPrice: 0,
    orderType: 'LIMIT',
    filledQuantity: 0,
    pendingQuantity: 150,
    cancelledQuantity: 0,
    averagePrice: 0,
    statusMessage: null,
    statusMessageRaw: null,
    exchangeOrderId: '1100000012345678',
    modified: false,
    at,
    exchangeAt: at,
    ...overrides,
  };
}

function order(current: SimOrderSnapshot, trades: SimTrade[] = []): SimOrder {
  return {
    ...current,
    orderId: '1110037830',
    broker: 'xts',
    userId: 'JN0001',
    instrument: reliance,
    side: 'BUY',
    product: 'MIS',
    validity: 'DAY',
    disclosedQuantity: 0,
    tag: 'fw123',
    variety: 'regular',
    placedAt: at,
    history: [current],
    trades,
    sequence: 7,
  };
}

const trade = (index: number, quantity: number, price: number): SimTrade => ({
  tradeId: `T${index}`,
  orderId: '1110037830',
  exchangeOrderId: '1100000012345678',
  quantity,
  price,
  time: at,
  index,
});

describe('XTS wire formats', () => {
  it('order rows carry exactly the key set of a real 2025 socket order event, a superset of the REST book row', () => {
    const row = orderRow(order(snapshot()), snapshot(), who, 1);
    expect(keys(row)).toEqual(keys(fixture('xts_socket_order_event_pendingnew.json')));
    const bookRow = (fixture('xts_rest_orderbook_response.json').result as Record<string, unknown>[])[0];
    expect(keys(row)).toEqual(expect.arrayContaining(keys(bookRow)));
  });

  it('order rows use production value formats', () => {
    const open = orderRow(order(snapshot()), snapshot(), who, 42);
    expect(open).toMatchObject({
      AppOrderID: 1110037830,
      OrderSide: 'Buy',
      OrderSideAPI: 'BUY',
      OrderType: 'Limit',
      OrderStatus: 'New',
      OrderAverageTradedPrice: '',
      OrderAverageTradedPriceAPI: 'NaN',
      ExchangeSegment: 'NSECM',
      ExchangeInstrumentID: 2885,
      OrderUniqueIdentifier: 'fw123',
      MessageCode: 9004,
      SequenceNumber: 42,
      OrderExpiryDate: '1980-01-01T00:00:00',
      OrderExpiryDateAPI: '01-01-1980 00:00:00',
      TradingSymbol: 'RELIANCE',
    });
    expect(open.LastUpdateDateTime).toMatch(/^2025-01-30T14:08:02\.092\d{4}$/);
    expect(open.ExchangeTransactTime).toBe('2025-01-30T14:08:02+05:30');
    expect(open.LastUpdateDateTimeAPI).toBe('30-01-2025 14:08:02');

    const part = snapshot({ filledQuantity: 75, pendingQuantity: 75, averagePrice: 2853.5 });
    expect(orderRow(order(part), part, who, 1)).toMatchObject({
      OrderStatus: 'PartiallyFilled',
      OrderAverageTradedPrice: '2,853.50',
      OrderAverageTradedPriceAPI: 2853.5,
      CumulativeQuantity: 75,
      LeavesQuantity: 75,
    });
  });

  it('keeps LeavesQuantity on a cancel after a partial fill and reports the reject reason', () => {
    const cancelled = snapshot({
      state: 'cancelled',
      filledQuantity: 75,
      pendingQuantity: 0,
      cancelledQuantity: 75,
      averagePrice: 2853.5,
    });
    expect(orderRow(order(cancelled), cancelled, who, 1)).toMatchObject({
      OrderStatus: 'Cancelled',
      CumulativeQuantity: 75,
      LeavesQuantity: 75,
    });
    const rejected = snapshot({ state: 'rejected', pendingQuantity: 0, statusMessage: 'RMS:Margin Exceeds' });
    expect(orderRow(order(rejected), rejected, who, 1)).toMatchObject({
      OrderStatus: 'Rejected',
      LeavesQuantity: 150,
      CancelRejectReason: 'RMS:Margin Exceeds',
    });
  });

  it('maps stop orders and every engine state', () => {
    const slm = snapshot({ orderType: 'SL-M', price: 0, triggerPrice: 2148.35, state: 'trigger-pending' });
    expect(orderRow(order(slm), slm, who, 1)).toMatchObject({
      OrderType: 'StopMarket',
      OrderPrice: 0,
      OrderStopPrice: 2148.35,
      OrderStatus: 'New',
    });
    const expected: Record<SimOrderSnapshot['state'], string> = {
      received: 'PendingNew',
      'validation-pending': 'PendingNew',
      'open-pending': 'PendingNew',
      open: 'New',
      'trigger-pending': 'New',
      'modify-validation-pending': 'PendingReplace',
      'modify-pending': 'PendingReplace',
      modified: 'Replaced',
      'cancel-pending': 'PendingCancel',
      complete: 'Filled',
      cancelled: 'Cancelled',
      rejected: 'Rejected',
    };
    for (const [state, status] of Object.entries(expected)) {
      expect(xtsStatus({ state: state as SimOrderSnapshot['state'], filledQuantity: 0 })).toBe(status);
    }
  });

  it('trade rows add the execution fields with cumulative figures up to that execution', () => {
    const first = trade(1, 50, 2850);
    const second = trade(2, 100, 2856.75);
    const done = snapshot({
      state: 'complete',
      filledQuantity: 150,
      pendingQuantity: 0,
      averagePrice: 2854.5,
    });
    const o = order(done, [first, second]);
    const row1 = tradeRow(o, first, who, 5);
    expect(keys(row1)).toEqual(
      [
        ...Object.keys(orderRow(o, done, who, 1)),
        'LastTradedPrice',
        'LastTradedQuantity',
        'LastExecutionTransactTime',
        'LastExecutionTransactTimeAPI',
        'ExecutionID',
        'ExecutionReportIndex',
      ].sort(),
    );
    expect(row1).toMatchObject({
      MessageCode: 9005,
      OrderStatus: 'PartiallyFilled',
      CumulativeQuantity: 50,
      LeavesQuantity: 100,
      OrderAverageTradedPrice: '2,850.00',
      LastTradedPrice: 2850,
      LastTradedQuantity: 50,
      ExecutionID: 'T1',
      ExecutionReportIndex: 1,
    });
    expect(tradeRow(o, second, who, 6)).toMatchObject({
      OrderStatus: 'Filled',
      CumulativeQuantity: 150,
      LeavesQuantity: 0,
      OrderAverageTradedPrice: '2,854.50',
      OrderAverageTradedPriceAPI: 2854.5,
    });
  });

  it('position rows match the fixture key sets, REST amounts as strings with thousands separators', () => {
    const position: SimPosition = {
      userId: 'JN0001',
      instrument: reliance,
      product: 'CNC',
      buyQuantity: 1,
      sellQuantity: 0,
      buyValue: 1870,
      sellValue: 0,
      netQuantity: 1,
      averagePrice: 1870,
      realised: 0,
      unrealised: -14.95,
      lastPrice: 1855.05,
    };
    const rest = restPositionRow(position, who, 3);
    expect(keys(rest)).toEqual(
      expect.arrayContaining(keys(fixture('xts_rest_position_row_sdk_comment.json'))),
    );
    expect(rest).toMatchObject({
      ExchangeInstrumentId: '2885',
      BuyAveragePrice: '1,870.00',
      NetAmount: '-1,870.00',
      UnrealizedMTM: '-14.95',
      MTM: '-14.95',
      BEP: '1,870.00',
      Quantity: '1',
      MessageCode: 9002,
    });
    const pushed = socketPositionRow({ ...position, instrument: sbin }, who, 4);
    expect(keys(pushed)).toEqual(keys(fixture('xts_socket_position_event_doc.json')));
    expect(pushed).toMatchObject({
      NetPosition: 1,
      BuyValue: 1870,
      ExchangeInstrumentID: '3045',
      MessageCode: 9002,
    });
  });

  it('formats amounts and timestamps', () => {
    expect(xtsAmount(2853.5)).toBe('2,853.50');
    expect(xtsAmount(250.4)).toBe('250.40');
    expect(xtsAmount(-1870)).toBe('-1,870.00');
    expect(xtsAmount(1234567.891)).toBe('1,234,567.89');
    expect(xtsAmount(0)).toBe('0.00');
    expect(xtsAmount(-0.001)).toBe('0.00');
    const midnightUtc = new Date('2025-12-31T18:30:00.000Z');
    expect(xtsDateTime(midnightUtc)).toMatch(/^2026-01-01T00:00:00\.000\d{4}$/);
    expect(xtsExchangeTime(midnightUtc)).toBe('2026-01-01T00:00:00+05:30');
    expect(xtsApiDateTime(midnightUtc)).toBe('01-01-2026 00:00:00');
    expect(xtsDateTime(at)).toBe(xtsDateTime(new Date(at.getTime())));
  });
});
