import { EVENT_TYPES, isBusBound } from './event-catalogue';
import { sampleOrder } from './event-samples';
import {
  OPENALGO_EVENT_NAMES,
  OPENALGO_NATIVE_NAMES,
  openAlgoEventName,
  toOpenAlgoOrderStatus,
  toOpenAlgoOrderUpdate,
} from './openalgo';
import { ORDER_STATUSES } from './order.schema';

describe('OpenAlgo names', () => {
  it.each([
    ['order.placed', 'order_event'],
    ['order.updated', 'order_update'],
    ['order.notification', 'order_notification'],
    ['position.updated', 'position_update'],
    ['analyzer.updated', 'analyzer_update'],
    ['system.master-contract-downloaded', 'master_contract_download'],
    ['auth.password-changed', 'password_change'],
    ['trade.executed', 'trade_update'],
  ] as const)('%s → %s', (type, name) => {
    expect(openAlgoEventName(type)).toBe(name);
  });

  it('names every bus-bound event except the derived terminal facts, and never the timer', () => {
    const unnamed = EVENT_TYPES.filter((t) => OPENALGO_EVENT_NAMES[t] === null);
    expect(unnamed.sort()).toEqual(['order.cancelled', 'order.filled', 'timer']);
    expect(isBusBound('timer')).toBe(false);
  });

  it('keeps the names OpenAlgo clients already listen to', () => {
    for (const name of ['order_event', 'order_update', 'order_notification', 'analyzer_update']) {
      expect(OPENALGO_NATIVE_NAMES.has(name)).toBe(true);
    }
  });
});

describe('OpenAlgo order_update payload', () => {
  it('maps every canonical status to an OpenAlgo order_status', () => {
    expect(ORDER_STATUSES.map(toOpenAlgoOrderStatus)).toEqual([
      'open',
      'open',
      'trigger pending',
      'open',
      'complete',
      'cancelled',
      'rejected',
    ]);
  });

  it('uses OpenAlgo field names and carries the rejection reason', () => {
    const update = toOpenAlgoOrderUpdate(
      sampleOrder({
        broker: 'jainam',
        status: 'REJECTED',
        brokerStatus: 'Rejected',
        statusMessage: '17071 : self trade',
      }),
    );
    expect(update).toEqual({
      mode: 'live',
      broker: 'jainamxts',
      orderid: '2042130686722629633',
      symbol: 'SBIN',
      exchange: 'NSE',
      action: 'BUY',
      quantity: 10,
      price: 812.35,
      trigger_price: 0,
      pricetype: 'LIMIT',
      product: 'MIS',
      order_status: 'rejected',
      filled_quantity: 0,
      pending_quantity: 10,
      average_price: 0,
      rejection_reason: '17071 : self trade',
    });
    expect(toOpenAlgoOrderUpdate(sampleOrder({ statusMessage: 'x' }), 'analyze')).toMatchObject({
      mode: 'analyze',
      rejection_reason: '',
    });
  });
});
