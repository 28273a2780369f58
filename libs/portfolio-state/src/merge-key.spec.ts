import fc from 'fast-check';
import {
  ORDER_STATUSES,
  compareOrderState,
  sampleOrder,
  type CanonicalOrder,
  type OrderStatus,
} from '@fillwire/events';
import { compareMergeKeys, orderMergeKey } from './merge-key';

const T0 = 1767239110000;
const KITE_LABEL: Record<OrderStatus, string> = {
  PENDING: 'OPEN PENDING',
  OPEN: 'OPEN',
  TRIGGER_PENDING: 'TRIGGER PENDING',
  PARTIALLY_FILLED: 'UPDATE',
  FILLED: 'COMPLETE',
  CANCELLED: 'CANCELLED',
  REJECTED: 'REJECTED',
};

const arbState: fc.Arbitrary<CanonicalOrder> = fc
  .record({
    status: fc.constantFrom(...ORDER_STATUSES),
    unknownLabel: fc.option(fc.constantFrom('WEIRD', 'ODD'), { freq: 6 }),
    filledQuantity: fc.integer({ min: 0, max: 10 }),
    price: fc.constantFrom(100, 100.5, 101),
    triggerPrice: fc.constantFrom(0, 99),
    inFlight: fc.constantFrom(undefined, 'modify' as const, 'cancel' as const),
    brokerTimestamp: fc.option(
      fc.integer({ min: 0, max: 6 }).map((k) => T0 + k * 400),
      { freq: 5 },
    ),
    exchangeOrderId: fc.constantFrom(null, '1300000001887410'),
  })
  .map(({ status, unknownLabel, inFlight, ...rest }) => {
    const order = sampleOrder({
      ...rest,
      status,
      brokerStatus: unknownLabel ?? KITE_LABEL[status],
      quantity: 10,
    });
    return inFlight ? { ...order, inFlight } : order;
  });

describe('orderMergeKey', () => {
  it('orders states exactly as compareOrderState does', () => {
    fc.assert(
      fc.property(arbState, arbState, (current, incoming) => {
        const verdict = compareOrderState(current, incoming);
        const byKey = compareMergeKeys(orderMergeKey(incoming), orderMergeKey(current));
        const [ki, kc] = [orderMergeKey(incoming), orderMergeKey(current)];
        const sameState = ki[6] === kc[6];
        if (verdict === 'duplicate') expect(sameState).toBe(true);
        else expect(sameState ? 0 : Math.sign(byKey)).toBe(verdict === 'newer' ? 1 : -1);
      }),
      { numRuns: 1000 },
    );
  });

  it('survives a JSON round trip (what the Lua script decodes)', () => {
    fc.assert(
      fc.property(arbState, (s) => {
        expect(JSON.parse(JSON.stringify(orderMergeKey(s)))).toEqual(orderMergeKey(s));
      }),
    );
  });

  it('breaks ties between copies of one state by content, never by arrival', () => {
    const a = sampleOrder({ brokerTimestamp: T0, exchangeOrderId: null });
    const b = { ...a, exchangeOrderId: '1300000001887410' };
    expect(compareOrderState(a, b)).toBe('duplicate');
    expect(Math.sign(compareMergeKeys(orderMergeKey(a), orderMergeKey(b)))).toBe(
      -Math.sign(compareMergeKeys(orderMergeKey(b), orderMergeKey(a))),
    );
    expect(compareMergeKeys(orderMergeKey(a), orderMergeKey(b))).not.toBe(0);
  });
});
