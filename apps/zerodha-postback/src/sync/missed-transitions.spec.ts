import type { CanonicalOrder } from '@fillwire/events';
import { missedFromHistory, planBookSync } from './missed-transitions';

const T = Date.UTC(2026, 0, 5, 4, 0, 0);
const order = (over: Partial<CanonicalOrder>): CanonicalOrder => ({
  broker: 'zerodha',
  accountId: 'AB1234',
  brokerOrderId: '1',
  exchangeOrderId: null,
  clientTag: null,
  symbol: 'SBIN',
  exchange: 'NSE',
  side: 'BUY',
  product: 'MIS',
  orderType: 'MARKET',
  quantity: 10,
  price: 0,
  triggerPrice: 0,
  filledQuantity: 0,
  pendingQuantity: 10,
  averagePrice: 0,
  status: 'OPEN',
  statusMessage: null,
  brokerStatus: 'OPEN',
  brokerTimestamp: T,
  exchangeTimestamp: null,
  ...over,
});

const pending = order({ status: 'PENDING', brokerStatus: 'OPEN PENDING' });
const open = order({});
const p4 = order({ status: 'PARTIALLY_FILLED', filledQuantity: 4, pendingQuantity: 6 });
const p7 = order({ status: 'PARTIALLY_FILLED', filledQuantity: 7, pendingQuantity: 3 });
const done = order({ status: 'FILLED', brokerStatus: 'COMPLETE', filledQuantity: 10, pendingQuantity: 0 });

describe('planBookSync', () => {
  it('skips rows already published, emits unfilled changes directly and asks history for fill jumps', () => {
    const other = (id: string, o: CanonicalOrder) => ({ ...o, brokerOrderId: id });
    const latest = new Map<string, CanonicalOrder>([
      ['1', done],
      ['2', other('2', open)],
      ['3', other('3', p4)],
    ]);
    const book = [
      done,
      other('2', { ...open, status: 'CANCELLED', brokerStatus: 'CANCELLED' }),
      other('3', done),
      other('4', open),
      other('5', p7),
    ];
    const plan = planBookSync(book, (o) => latest.get(o.brokerOrderId));
    expect(plan.direct.map((o) => o.brokerOrderId)).toEqual(['2', '4']);
    expect(plan.needHistory.map((o) => o.brokerOrderId)).toEqual(['3', '5']);
  });

  it('does not go back: a book row older than the published state is ignored', () => {
    expect(planBookSync([p4], () => done)).toEqual({ direct: [], needHistory: [] });
  });

  it('reads the history of a suspect with fills even when its row is what was published last', () => {
    const suspects = new Set(['1']);
    const other = { ...done, brokerOrderId: '2' };
    // Both rows are what was published last; only the suspect needs its history.
    const plan = planBookSync(
      [done, other],
      (o) => o,
      (o) => suspects.has(o.brokerOrderId),
    );
    expect(plan).toEqual({ direct: [], needHistory: [done] });
    // Without fills there is nothing a later state could have hidden.
    expect(
      planBookSync(
        [open],
        () => open,
        () => true,
      ),
    ).toEqual({ direct: [], needHistory: [] });
  });
});

describe('missedFromHistory', () => {
  it('recovers a missed intermediate partial fill, in order, after the last published state', () => {
    expect(missedFromHistory([pending, open, p4, p7, done], p4, done)).toEqual([p7, done]);
  });

  it('emits the whole history of an order never seen, and the book row when history stops short', () => {
    expect(missedFromHistory([pending, open, p4], undefined, done)).toEqual([pending, open, p4, done]);
  });
});
