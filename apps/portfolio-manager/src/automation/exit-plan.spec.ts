import { sampleOrder } from '@fillwire/events';
import { EMPTY_OCO, exitTag, nextTrailingStop, planExits, type OcoState } from './exit-plan';

const entry = (filled: number, status: 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' = 'OPEN') =>
  sampleOrder({
    brokerOrderId: 'E1',
    quantity: 10,
    filledQuantity: filled,
    averagePrice: filled ? 800 : 0,
    status,
  });
const protection = { stopLoss: 790, target: 820 };
const leg = (id: string, quantity: number, over: Parameters<typeof sampleOrder>[0] = {}) =>
  sampleOrder({ brokerOrderId: id, side: 'SELL', quantity, ...over });

describe('planExits (OCO from merged states)', () => {
  const tags = { stop: exitTag('stop', entry(0)), target: exitTag('target', entry(0)) };
  const placed: OcoState = {
    ...EMPTY_OCO,
    stop: { tag: tags.stop, brokerOrderId: 'S1', price: 790, quantity: 4 },
    target: { tag: tags.target, brokerOrderId: 'T1', price: 820, quantity: 4 },
  };

  it('waits for a fill, then places both legs sized to it with tags derived from the entry', () => {
    expect(planExits({ entry: entry(0), protection, state: EMPTY_OCO, stop: null, target: null })).toEqual(
      [],
    );
    expect(tags.stop).toMatch(/^sl[0-9a-f]{16}$/);
    expect(
      planExits({
        entry: entry(4, 'PARTIALLY_FILLED'),
        protection,
        state: EMPTY_OCO,
        stop: null,
        target: null,
      }),
    ).toEqual([
      { kind: 'place', leg: 'stop', tag: tags.stop, quantity: 4, price: 790 },
      { kind: 'place', leg: 'target', tag: tags.target, quantity: 4, price: 820 },
    ]);
  });

  it('resizes working legs as the entry fills, and not again once level', () => {
    const stop = leg('S1', 4, { orderType: 'SL-M', status: 'TRIGGER_PENDING' });
    const target = leg('T1', 4);
    expect(planExits({ entry: entry(10, 'FILLED'), protection, state: placed, stop, target })).toEqual([
      { kind: 'modify', leg: 'stop', brokerOrderId: 'S1', quantity: 10 },
      { kind: 'modify', leg: 'target', brokerOrderId: 'T1', quantity: 10 },
    ]);
    const asked: OcoState = {
      ...placed,
      stop: { ...placed.stop!, quantity: 10 },
      target: { ...placed.target!, quantity: 10 },
    };
    // The legs' own states still say 4 (our modify is in flight): no second modify.
    expect(planExits({ entry: entry(10, 'FILLED'), protection, state: asked, stop, target })).toEqual([]);
  });

  it('cancels the other leg when one fills (OCO), then stops', () => {
    const target = leg('T1', 10, { status: 'FILLED', filledQuantity: 10, averagePrice: 820 });
    const stop = leg('S1', 10, { status: 'TRIGGER_PENDING' });
    expect(planExits({ entry: entry(10, 'FILLED'), protection, state: placed, stop, target })).toEqual([
      { kind: 'cancel', leg: 'stop', brokerOrderId: 'S1' },
      { kind: 'notify', leg: 'target', order: target },
      { kind: 'close' },
    ]);
    expect(
      planExits({ entry: entry(10, 'FILLED'), protection, state: { ...placed, closed: true }, stop, target }),
    ).toEqual([]);
  });

  it('sizes the other leg down when one partially fills; an entry cancelled unfilled closes', () => {
    const target = leg('T1', 10, { status: 'PARTIALLY_FILLED', filledQuantity: 3 });
    const stop = leg('S1', 10, { status: 'TRIGGER_PENDING' });
    const asked: OcoState = {
      ...placed,
      stop: { ...placed.stop!, quantity: 10 },
      target: { ...placed.target!, quantity: 10 },
    };
    expect(planExits({ entry: entry(10, 'FILLED'), protection, state: asked, stop, target })).toEqual([
      { kind: 'modify', leg: 'stop', brokerOrderId: 'S1', quantity: 7 },
    ]);
    expect(
      planExits({ entry: entry(0, 'CANCELLED'), protection, state: EMPTY_OCO, stop: null, target: null }),
    ).toEqual([{ kind: 'close' }]);
  });

  it('a trailing-only entry starts its stop at the distance from its fill price', () => {
    expect(
      planExits({
        entry: entry(10, 'FILLED'),
        protection: { trailing: 2.5 },
        state: EMPTY_OCO,
        stop: null,
        target: null,
      }),
    ).toEqual([{ kind: 'place', leg: 'stop', tag: tags.stop, quantity: 10, price: 797.5 }]);
  });
});

describe('nextTrailingStop', () => {
  it('follows the best price in the position’s favour by at least a tick', () => {
    expect(
      nextTrailingStop({ side: 'BUY', trailing: 2.5, best: 800, lastPrice: 803, trigger: 797.5 }),
    ).toEqual({ best: 803, trigger: 800.5 });
    expect(
      nextTrailingStop({ side: 'BUY', trailing: 2.5, best: 803, lastPrice: 801, trigger: 800.5 }),
    ).toEqual({ best: 803, trigger: null });
    expect(
      nextTrailingStop({ side: 'BUY', trailing: 2.5, best: 803, lastPrice: 803.02, trigger: 800.5 }),
    ).toEqual({ best: 803.02, trigger: null });
    expect(nextTrailingStop({ side: 'SELL', trailing: 2, best: 800, lastPrice: 795, trigger: 802 })).toEqual({
      best: 795,
      trigger: 797,
    });
  });
});
