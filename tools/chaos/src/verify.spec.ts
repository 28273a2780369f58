import {
  createEnvelope,
  EVENT_SAMPLES,
  sampleOrder,
  type CanonicalOrder,
  type OrderStatus,
} from '@fillwire/events';
import type { OrderRecord, PositionRecord } from '@fillwire/portfolio-state';
import {
  canonicalStatus,
  compareOrders,
  comparePositions,
  duplicateLogIds,
  duplicatePlacements,
  expectedFrames,
  findGaps,
  type LogEntry,
  type SimOrderTruth,
  type SimTruth,
} from './verify';

const simOrder = (over: Partial<SimOrderTruth> = {}): SimOrderTruth => ({
  orderId: 'K1',
  broker: 'kite',
  userId: 'AB1234',
  state: 'complete',
  side: 'BUY',
  product: 'MIS',
  quantity: 10,
  filledQuantity: 10,
  averagePrice: 812.35,
  tag: 'tag1',
  instrument: { exchange: 'NSE', tradingsymbol: 'SBIN' },
  history: [
    { state: 'open', filledQuantity: 0, at: '2026-01-05T04:30:00.000Z' },
    { state: 'open', filledQuantity: 4, at: '2026-01-05T04:30:00.010Z' },
    { state: 'complete', filledQuantity: 10, at: '2026-01-05T04:30:00.200Z' },
  ],
  trades: [
    { tradeId: 'T1', quantity: 4, price: 812.3 },
    { tradeId: 'T2', quantity: 6, price: 812.38 },
  ],
  ...over,
});

const record = (over: Partial<CanonicalOrder>): OrderRecord => ({
  order: sampleOrder({
    brokerOrderId: 'K1',
    status: 'FILLED',
    filledQuantity: 10,
    pendingQuantity: 0,
    averagePrice: 812.35,
    ...over,
  }),
  meta: null,
  overfilled: false,
  fills: [],
});

let seq = 0;
const entry = (envelope: LogEntry['envelope']): LogEntry => ({ entryId: `1000-${seq++}`, envelope });
const meta = { source: 'test' as const, userId: 'demo' };
const update = (
  brokerOrderId: string,
  status: OrderStatus,
  filledQuantity: number,
  broker: 'zerodha' | 'jainam' = 'zerodha',
) =>
  entry(
    createEnvelope(
      'order.updated',
      {
        order: sampleOrder({
          brokerOrderId,
          broker,
          status,
          filledQuantity,
          pendingQuantity: 10 - filledQuantity,
        }),
      },
      meta,
    ),
  );
const placed = (brokerOrderId: string) =>
  entry(
    createEnvelope(
      'order.placed',
      {
        ...EVENT_SAMPLES['order.placed'],
        order: sampleOrder({ brokerOrderId, status: 'PENDING', filledQuantity: 0 }),
      },
      meta,
    ),
  );
const trade = (brokerOrderId: string, tradeId: string) =>
  entry(
    createEnvelope(
      'trade.executed',
      { ...EVENT_SAMPLES['trade.executed'], accountId: 'JN0001', brokerOrderId, tradeId },
      meta,
    ),
  );

describe('chaos checks', () => {
  it('maps simulator states to canonical statuses (a partial fill is open with a filled quantity)', () => {
    expect(canonicalStatus('complete', 10)).toBe('FILLED');
    expect(canonicalStatus('open', 4)).toBe('PARTIALLY_FILLED');
    expect(canonicalStatus('open', 0)).toBe('OPEN');
    expect(canonicalStatus('cancelled', 4)).toBe('CANCELLED');
    expect(canonicalStatus('validation-pending', 0)).toBe('PENDING');
  });

  it('orders: equal state passes; a wrong fill, a wrong average, a missing and an extra order are each found', () => {
    expect(compareOrders([simOrder()], [record({})])).toEqual([]);
    expect(
      compareOrders([simOrder()], [record({ filledQuantity: 4, status: 'PARTIALLY_FILLED' })]).map(
        (m) => m.field,
      ),
    ).toEqual(['status', 'filledQuantity']);
    expect(compareOrders([simOrder()], [record({ averagePrice: 812.4 })]).map((m) => m.field)).toEqual([
      'averagePrice',
    ]);
    expect(compareOrders([simOrder()], [])).toEqual([
      expect.objectContaining({ field: 'presence', actual: null }),
    ]);
    expect(compareOrders([], [record({})])).toEqual([
      expect.objectContaining({ field: 'presence', expected: null }),
    ]);
  });

  it('positions: quantities exact, values within the paisa rounding of the reported averages', () => {
    const truth: SimTruth = {
      orders: [simOrder()],
      positions: {
        AB1234: [
          {
            instrument: { exchange: 'NSE', tradingsymbol: 'SBIN' },
            product: 'MIS',
            buyQuantity: 10,
            sellQuantity: 0,
            buyValue: 8123.5,
            sellValue: 0,
            netQuantity: 10,
            realised: 0,
          },
        ],
      },
    };
    const position = (over: Partial<PositionRecord>): PositionRecord => ({
      broker: 'zerodha',
      accountId: 'AB1234',
      exchange: 'NSE',
      symbol: 'SBIN',
      product: 'MIS',
      netQuantity: 10,
      averagePrice: 812.35,
      realizedPnl: 0,
      unrealizedPnl: null,
      lastPrice: null,
      dayBuyQuantity: 10,
      dayBuyValue: 8123.5,
      daySellQuantity: 0,
      daySellValue: 0,
      version: 1,
      ...over,
    });
    expect(comparePositions(truth, [position({})])).toEqual([]);
    // 10 shares: up to 5 paise from rounded averages, plus a paisa.
    expect(comparePositions(truth, [position({ dayBuyValue: 8123.55 })])).toEqual([]);
    expect(comparePositions(truth, [position({ dayBuyValue: 8123.7 })]).map((m) => m.field)).toEqual([
      'buyValue',
    ]);
    expect(
      comparePositions(truth, [position({ netQuantity: 20, dayBuyQuantity: 20 })]).map((m) => m.field),
    ).toEqual(['netQuantity', 'buyQuantity']);
    expect(comparePositions(truth, [])).toEqual([expect.objectContaining({ field: 'presence' })]);
  });

  it('log gaps: a Kite order needs every filled quantity it passed and its final state; XTS needs every trade', () => {
    const kite = simOrder();
    const full = [placed('K1'), update('K1', 'PARTIALLY_FILLED', 4), update('K1', 'FILLED', 10)];
    expect(findGaps([kite], full, new Set(['K1']))).toEqual([]);
    expect(findGaps([kite], [full[0], full[2]], new Set(['K1']))).toEqual([
      { orderId: 'K1', missing: 'state with filled 4', at: '2026-01-05T04:30:00.010Z' },
    ]);
    expect(findGaps([kite], full.slice(1), new Set(['K1']))).toEqual([
      { orderId: 'K1', missing: 'order.placed' },
    ]);
    expect(findGaps([kite], full.slice(0, 2), new Set())).toEqual([
      { orderId: 'K1', missing: 'state with filled 10', at: '2026-01-05T04:30:00.200Z' },
      { orderId: 'K1', missing: 'final state FILLED/10', at: '2026-01-05T04:30:00.200Z' },
    ]);

    const xts = simOrder({ orderId: 'X1', broker: 'xts', userId: 'JN0001' });
    const xtsLog = [update('X1', 'FILLED', 10, 'jainam'), trade('X1', 'T1'), trade('X1', 'T2')];
    expect(findGaps([xts], xtsLog, new Set())).toEqual([]);
    expect(findGaps([xts], xtsLog.slice(0, 2), new Set())).toEqual([
      { orderId: 'X1', missing: 'trade.executed T2', at: '2026-01-05T04:30:00.200Z' },
    ]);
  });

  it('duplicates: an envelope id twice in the log, a client tag on two simulator orders', () => {
    const once = update('K1', 'FILLED', 10);
    expect(duplicateLogIds([once, update('K1', 'PARTIALLY_FILLED', 4)])).toEqual([]);
    expect(duplicateLogIds([once, { ...once, entryId: '2000-0' }])).toEqual([once.envelope.id]);
    expect(duplicatePlacements([simOrder(), simOrder({ orderId: 'K2', tag: 'tag2' })])).toEqual([]);
    expect(duplicatePlacements([simOrder(), simOrder({ orderId: 'K2' })])).toEqual(['tag1']);
  });

  it("a screen's expected frames: pushed types of the user's own accounts", () => {
    const mine = update('K1', 'FILLED', 10);
    const other = entry(
      createEnvelope('order.updated', { order: sampleOrder({ accountId: 'CD5678' }) }, meta),
    );
    const notPushed = entry(createEnvelope('order.filled', EVENT_SAMPLES['order.filled'], meta));
    const log = [mine, other, notPushed];
    const user = { userId: 'demo', accounts: ['AB1234', 'JN0001'] };
    expect(expectedFrames(log, user)).toEqual([mine.entryId]);
    expect(expectedFrames(log, { userId: 'demo2', accounts: ['CD5678'] })).toEqual([other.entryId]);
  });
});
