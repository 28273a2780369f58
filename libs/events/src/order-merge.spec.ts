import fc from 'fast-check';
import { sampleOrder } from './event-samples';
import { orderUpdateEventId, type OrderStateFields } from './event-id';
import { compareOrderState } from './order-merge';
import {
  ORDER_STATUSES,
  ORDER_STATUS_RANK,
  TERMINAL_STATUSES,
  type CanonicalOrder,
  type OrderStatus,
} from './order.schema';

const T0 = 1767239110000;

const state = (overrides: Partial<CanonicalOrder>) => sampleOrder({ brokerTimestamp: T0, ...overrides });

/** A Kite label that maps to each canonical status, so fingerprints see a known status. */
const KITE_LABEL: Record<OrderStatus, string> = {
  PENDING: 'OPEN PENDING',
  OPEN: 'OPEN',
  TRIGGER_PENDING: 'TRIGGER PENDING',
  PARTIALLY_FILLED: 'UPDATE',
  FILLED: 'COMPLETE',
  CANCELLED: 'CANCELLED',
  REJECTED: 'REJECTED',
};

const arbState: fc.Arbitrary<OrderStateFields> = fc
  .record({
    status: fc.constantFrom(...ORDER_STATUSES),
    unknownLabel: fc.option(fc.constantFrom('WEIRD', 'ODD'), { freq: 6 }),
    filledQuantity: fc.integer({ min: 0, max: 10 }),
    price: fc.constantFrom(100, 100.5, 101),
    triggerPrice: fc.constantFrom(0, 99),
    inFlight: fc.constantFrom(undefined, 'modify' as const, 'cancel' as const),
    // Same-second and null timestamps on purpose: the cases where only the tie-breaks decide.
    brokerTimestamp: fc.option(
      fc.integer({ min: 0, max: 6 }).map((k) => T0 + k * 400),
      { freq: 5 },
    ),
  })
  .map(({ status, unknownLabel, ...rest }) =>
    state({ ...rest, status, brokerStatus: unknownLabel ?? KITE_LABEL[status], quantity: 10 }),
  );

const fold = (updates: OrderStateFields[]): OrderStateFields =>
  updates.reduce((current, incoming) =>
    compareOrderState(current, incoming) === 'newer' ? incoming : current,
  );

describe('compareOrderState examples', () => {
  it('a late OPEN after FILLED is stale; the FILLED after OPEN is newer', () => {
    const open = state({ status: 'OPEN' });
    const filled = state({ status: 'FILLED', brokerStatus: 'COMPLETE', filledQuantity: 10 });
    expect(compareOrderState(filled, open)).toBe('stale');
    expect(compareOrderState(open, filled)).toBe('newer');
  });

  it('more fills win at the same rank, whatever the timestamps say', () => {
    const four = state({
      status: 'PARTIALLY_FILLED',
      brokerStatus: 'UPDATE',
      filledQuantity: 4,
      brokerTimestamp: T0 + 5000,
    });
    const six = state({ status: 'PARTIALLY_FILLED', brokerStatus: 'UPDATE', filledQuantity: 6 });
    expect(compareOrderState(four, six)).toBe('newer');
    expect(compareOrderState(six, four)).toBe('stale');
  });

  it('same rank and fills: a later broker second wins (a modification)', () => {
    const before = state({ price: 812.35 });
    const modified = state({ price: 812.4, brokerTimestamp: T0 + 1000 });
    expect(compareOrderState(before, modified)).toBe('newer');
    expect(compareOrderState(modified, before)).toBe('stale');
  });

  it('the same update by another channel is a duplicate', () => {
    const postback = state({
      brokerStatus: 'UPDATE',
      status: 'PARTIALLY_FILLED',
      filledQuantity: 4,
      averagePrice: 812.3,
    });
    const polling = { ...postback, brokerStatus: 'OPEN', statusMessage: 'x', brokerTimestamp: T0 + 999 };
    expect(compareOrderState(postback, polling)).toBe('duplicate');
  });

  it('within one second a settled state follows its in-flight request', () => {
    const pending = state({ inFlight: 'modify', brokerStatus: 'MODIFY PENDING' });
    const refused = state({ brokerStatus: 'OPEN' });
    expect(compareOrderState(pending, refused)).toBe('newer');
    expect(compareOrderState(refused, pending)).toBe('stale');
  });

  it('within one second OPEN follows TRIGGER_PENDING (the trigger fired)', () => {
    const waiting = state({ status: 'TRIGGER_PENDING', brokerStatus: 'TRIGGER PENDING', orderType: 'SL' });
    const triggered = state({ status: 'OPEN', brokerStatus: 'OPEN', orderType: 'SL' });
    expect(compareOrderState(waiting, triggered)).toBe('newer');
  });

  it('between terminal states with the same fills, FILLED > CANCELLED > REJECTED', () => {
    const filled = state({
      status: 'FILLED',
      brokerStatus: 'COMPLETE',
      filledQuantity: 10,
      brokerTimestamp: T0,
    });
    const cancelled = state({
      status: 'CANCELLED',
      brokerStatus: 'CANCELLED',
      filledQuantity: 10,
      brokerTimestamp: T0 + 9000,
    });
    const rejected = state({
      status: 'REJECTED',
      brokerStatus: 'REJECTED',
      filledQuantity: 10,
      brokerTimestamp: T0 + 9000,
    });
    expect(compareOrderState(filled, cancelled)).toBe('stale');
    expect(compareOrderState(rejected, cancelled)).toBe('newer');
  });

  it('a cancel with partial fills beats the partial fill it follows', () => {
    const partial = state({ status: 'PARTIALLY_FILLED', brokerStatus: 'UPDATE', filledQuantity: 4 });
    const cancelled = state({ status: 'CANCELLED', brokerStatus: 'CANCELLED', filledQuantity: 4 });
    expect(compareOrderState(partial, cancelled)).toBe('newer');
  });

  it('throws when asked to compare two different orders', () => {
    expect(() => compareOrderState(state({}), state({ brokerOrderId: '1' }))).toThrow(/different orders/);
  });
});

describe('compareOrderState properties', () => {
  it('is antisymmetric, and duplicate exactly when the event ids are equal', () => {
    fc.assert(
      fc.property(arbState, arbState, (a, b) => {
        const ab = compareOrderState(a, b);
        const ba = compareOrderState(b, a);
        const opposite = { newer: 'stale', stale: 'newer', duplicate: 'duplicate' } as const;
        expect(ba).toBe(opposite[ab]);
        expect(ab === 'duplicate').toBe(orderUpdateEventId(a) === orderUpdateEventId(b));
      }),
      { numRuns: 1000 },
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(arbState, arbState, arbState, (a, b, c) => {
        fc.pre(compareOrderState(a, b) === 'newer' && compareOrderState(b, c) === 'newer');
        expect(compareOrderState(a, c)).toBe('newer');
      }),
      { numRuns: 1000 },
    );
  });

  it('never replaces a terminal state by a lower rank, nor any state by a lower rank', () => {
    fc.assert(
      fc.property(arbState, arbState, (current, incoming) => {
        if (ORDER_STATUS_RANK[incoming.status] < ORDER_STATUS_RANK[current.status]) {
          expect(compareOrderState(current, incoming)).toBe('stale');
        }
        if (TERMINAL_STATUSES.has(current.status) && !TERMINAL_STATUSES.has(incoming.status)) {
          expect(compareOrderState(current, incoming)).toBe('stale');
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('ends in the same state for any delivery order, with duplicates', () => {
    fc.assert(
      fc.property(
        fc
          .array(arbState, { minLength: 1, maxLength: 8 })
          .chain((updates) =>
            fc.tuple(
              fc.constant(updates),
              fc.shuffledSubarray([...updates, ...updates], { minLength: updates.length * 2 }),
            ),
          ),
        ([updates, redelivered]) => {
          expect(orderUpdateEventId(fold(redelivered))).toBe(orderUpdateEventId(fold(updates)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
