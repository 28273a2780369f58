import { decodeTime, isValid } from 'ulid';
import { parseBrokerTime } from './broker-time';
import { sampleOrder } from './event-samples';
import {
  newEventId,
  orderReconciledEventId,
  orderStateFingerprint,
  orderTerminalEventId,
  orderUpdateEventId,
  tradeEventId,
} from './event-id';
import { mapKiteStatus } from './status-mapping';
import type { CanonicalOrder } from './order.schema';

/** What a Kite postback, a ticker frame and an order book row carry (brokers.md §1.7, §1.9). */
interface KiteRow {
  order_id: string;
  status: string;
  filled_quantity: number;
  pending_quantity: number;
  quantity: number;
  price: number;
  trigger_price: number;
  average_price: number;
  order_type: 'LIMIT';
  order_timestamp: string | Date;
  checksum?: string;
  app_id?: number;
}

/** The normalization every Kite channel shares (the gateways' job; just enough for the id here). */
function fromKite(row: KiteRow): CanonicalOrder {
  const mapped = mapKiteStatus(row.status, { filledQuantity: row.filled_quantity, quantity: row.quantity });
  return sampleOrder({
    brokerOrderId: row.order_id,
    status: mapped.status,
    inFlight: mapped.inFlight,
    brokerStatus: row.status,
    filledQuantity: row.filled_quantity,
    pendingQuantity: row.pending_quantity,
    quantity: row.quantity,
    price: row.price,
    triggerPrice: row.trigger_price,
    averagePrice: row.average_price,
    orderType: row.order_type,
    brokerTimestamp: parseBrokerTime(row.order_timestamp),
  });
}

const partialFill: KiteRow = {
  order_id: '220303000308932',
  status: 'UPDATE',
  filled_quantity: 4,
  pending_quantity: 6,
  quantity: 10,
  price: 812.35,
  trigger_price: 0,
  average_price: 812.3,
  order_type: 'LIMIT',
  order_timestamp: '2022-03-03 09:24:25',
};

describe('orderUpdateEventId', () => {
  it('gives one id to the same update by postback, ticker and polling', () => {
    const postback = fromKite({ ...partialFill, checksum: 'a'.repeat(64), app_id: 1234 });
    const ticker = fromKite({ ...partialFill, checksum: '' });
    // The order book says OPEN for a partly filled order, and kiteconnect hands out a local-time Date.
    const polling = fromKite({
      ...partialFill,
      status: 'OPEN',
      order_timestamp: new Date(2022, 2, 3, 9, 24, 25),
    });
    const ids = new Set([postback, ticker, polling].map(orderUpdateEventId));
    expect(ids.size).toBe(1);
  });

  it('ignores fields that are not part of the state (messages, exchange time, average price)', () => {
    const a = sampleOrder();
    const b = sampleOrder({
      statusMessage: 'x',
      exchangeTimestamp: 1,
      averagePrice: 9,
      exchangeOrderId: null,
    });
    expect(orderUpdateEventId(a)).toBe(orderUpdateEventId(b));
  });

  it('gives a new id to every different state of the same order', () => {
    const base = fromKite(partialFill);
    const variants = [
      fromKite({ ...partialFill, filled_quantity: 5, pending_quantity: 5 }),
      fromKite({ ...partialFill, price: 812.4 }),
      fromKite({ ...partialFill, quantity: 12 }),
      fromKite({ ...partialFill, trigger_price: 811 }),
      fromKite({ ...partialFill, status: 'MODIFY PENDING' }),
      fromKite({ ...partialFill, status: 'CANCEL PENDING' }),
      fromKite({ ...partialFill, status: 'CANCELLED' }),
      // A modification refused by the exchange returns the same fields a second later.
      fromKite({ ...partialFill, order_timestamp: '2022-03-03 09:24:26' }),
      { ...base, orderType: 'MARKET' as const },
      { ...base, accountId: 'CD5678' },
      { ...base, brokerOrderId: '220303000308933' },
      { ...base, broker: 'paper' as const },
    ];
    const ids = new Set([base, ...variants].map(orderUpdateEventId));
    expect(ids.size).toBe(variants.length + 1);
  });

  it('collapses broker labels of one canonical state but keeps unknown labels apart', () => {
    const pending = (status: string) =>
      fromKite({ ...partialFill, status, filled_quantity: 0, pending_quantity: 10 });
    expect(orderUpdateEventId(pending('VALIDATION PENDING'))).toBe(
      orderUpdateEventId(pending('OPEN PENDING')),
    );
    expect(orderUpdateEventId(pending('NEW THING'))).not.toBe(orderUpdateEventId(pending('OTHER THING')));
    expect(orderUpdateEventId(pending('NEW THING'))).not.toBe(orderUpdateEventId(pending('OPEN PENDING')));
  });

  it('has a stable, documented format (changing the recipe changes every id in the log)', () => {
    const id = orderUpdateEventId(fromKite(partialFill));
    expect(id).toMatch(/^zerodha-o-[0-9a-f]{32}$/);
    expect(orderStateFingerprint(fromKite(partialFill))).toBe(
      '["zerodha","AB1234","220303000308932","PARTIALLY_FILLED",null,4,10,"LIMIT",812.35,0,1646279665]',
    );
    expect(id).toBe('zerodha-o-18b78840fb15494629b0f886e5aede24');
  });
});

describe('other deterministic ids', () => {
  const trade = {
    broker: 'jainam' as const,
    accountId: 'JN0001',
    brokerOrderId: '1110037830',
    tradeId: '2024611',
  };

  it('trade ids depend on broker, account, order and trade id only', () => {
    expect(tradeEventId(trade)).toBe(tradeEventId({ ...trade }));
    expect(tradeEventId(trade)).toMatch(/^jainam-t-[0-9a-f]{32}$/);
    expect(tradeEventId({ ...trade, tradeId: ' 2024611 ' })).toBe(tradeEventId(trade));
    const others = [{ tradeId: '2024612' }, { accountId: 'JN0002' }, { brokerOrderId: '1' }].map((o) =>
      tradeEventId({ ...trade, ...o }),
    );
    expect(new Set([tradeEventId(trade), ...others]).size).toBe(4);
  });

  it('terminal ids are one per order and kind; reconciled ids follow the state', () => {
    const order = sampleOrder();
    expect(orderTerminalEventId('filled', order)).toBe(
      orderTerminalEventId('filled', sampleOrder({ price: 1, status: 'FILLED' })),
    );
    expect(orderTerminalEventId('filled', order)).not.toBe(orderTerminalEventId('cancelled', order));
    expect(orderReconciledEventId(order)).toMatch(/^zerodha-r-/);
    expect(orderReconciledEventId(order)).not.toBe(orderReconciledEventId({ ...order, filledQuantity: 1 }));
  });

  it('never contains ":" (ids double as BullMQ job ids)', () => {
    const ids = [orderUpdateEventId(sampleOrder()), tradeEventId(trade), newEventId()];
    for (const id of ids) expect(id).not.toContain(':');
  });

  it('newEventId is a ULID that increases within a process', () => {
    const ids = Array.from({ length: 100 }, () => newEventId());
    expect(ids.every((id) => isValid(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(Math.abs(decodeTime(ids[0]) - Date.now())).toBeLessThan(60_000);
  });
});
