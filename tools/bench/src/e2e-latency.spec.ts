import { readFrame } from './e2e-clients';
import {
  hop,
  lastReceipt,
  latencies,
  orderReceipts,
  positionReceipts,
  screenReceipts,
  type SentUpdates,
} from './e2e-latency';

// Two positions alternating: updates 0, 2, 4 fill A, 1 and 3 fill B.
const sent: SentUpdates = {
  orderId: ['o0', 'o1', 'o2', 'o3', 'o4'],
  at: [100, 101, 102, 103, 104],
  quantity: [1, 1, 1, 1, 1],
};
const position = [0, 1, 0, 1, 0];

describe('orderReceipts', () => {
  it('finds each update by its broker order id; NaN where none came', () => {
    const at = orderReceipts(
      sent,
      new Map([
        ['o0', 105],
        ['o2', 106.5],
        ['o4', 110],
      ]),
    );
    expect([...at]).toEqual([105, NaN, 106.5, NaN, 110]);
    expect(latencies(sent.at, at)).toEqual({ values: [5, 4.5, 6], missing: 2 });
    expect(latencies(sent.at, at, 2, 4)).toEqual({ values: [4.5], missing: 1 });
  });
});

describe('positionReceipts', () => {
  it('puts a fill on screen with the first frame whose quantity includes it, even if it carries later fills', () => {
    const { at, log, overcounted } = positionReceipts(
      { ...sent, quantity: [2, 2, 2, 2, 2] },
      position,
      ['A', 'B'],
      [10, 0],
      {
        // A: 12 (fill 0), then 16 (fills 2 and 4 together).
        A: { qty: [12, 16], at: [107, 120], log: [106, 119] },
        // B: 4 at once (fills 1 and 3).
        B: { qty: [4], at: [109], log: [108] },
      },
    );
    expect([...at]).toEqual([107, 109, 120, 109, 120]);
    expect([...log]).toEqual([106, 108, 119, 108, 119]);
    expect(overcounted).toEqual([]);
  });

  it('keeps the highest figure shown when an older one arrives late, and flags an overcount', () => {
    const { at, overcounted } = positionReceipts(sent, position, ['A', 'B'], [0, 0], {
      A: { qty: [2, 1, 3], at: [105, 106, 107], log: [0, 0, 0] },
      B: { qty: [1, 3], at: [108, 109], log: [0, 0] },
    });
    expect([...at]).toEqual([105, 108, 105, 109, 107]);
    expect(overcounted).toEqual(['B']);
  });

  it('leaves fills the screen never showed as NaN', () => {
    const { at } = positionReceipts(sent, position, ['A', 'B'], [0, 0], {
      A: { qty: [1], at: [105], log: [104] },
    });
    expect([...at]).toEqual([105, NaN, NaN, NaN, NaN]);
  });
});

describe('hop', () => {
  it('subtracts where both ends are known', () => {
    expect(hop([1, NaN, 3], Float64Array.from([4, 5, NaN]))).toEqual([3]);
  });
});

describe('screenReceipts and lastReceipt', () => {
  it('takes the later of the two frames; a missing one makes the update missing', () => {
    const screen = screenReceipts(Float64Array.from([5, 6, NaN]), Float64Array.from([7, 4, 3]));
    expect([...screen]).toEqual([7, 6, NaN]);
    expect(lastReceipt(screen, 0, 2)).toBe(7);
    expect(lastReceipt(screen, 0, 3)).toBeNaN();
  });
});

describe('readFrame', () => {
  it('reads the order id of order_update and the account and day buy quantity of position_update', () => {
    expect(
      readFrame(
        '{"event":"order_update","id":"1-0","ts":1,"type":"order.updated","eventId":"e","accountId":"ZK0001","data":{"mode":"live","broker":"zerodha","orderid":"9000000000000000042"}}',
      ),
    ).toEqual({ kind: 'order', orderId: '9000000000000000042', log: 1 });
    expect(
      readFrame(
        '{"event":"position_update","id":"2-0","ts":1,"type":"position.updated","eventId":"p","accountId":"JX0001","data":{"broker":"jainam","accountId":"JX0001","symbol":"INFY","dayBuyQuantity":17}}',
      ),
    ).toEqual({ kind: 'position', key: 'JX0001|INFY', qty: 17, log: 2 });
    expect(readFrame('{"event":"pong","id":null}')).toEqual({ kind: 'other' });
  });
});
