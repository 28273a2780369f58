import fc from 'fast-check';
import { computePositionMath, unrealizedPnl, type PositionMath } from './fill-math';
import type { Fill } from './portfolio-state.types';

const fill = (side: Fill['side'], quantity: number, price: number, time: number): Fill => ({
  fillId: `o${time}/c/${time}`,
  broker: 'zerodha',
  accountId: 'AB1234',
  brokerOrderId: `o${time}`,
  exchange: 'NSE',
  symbol: 'SBIN',
  product: 'MIS',
  side,
  quantity,
  price,
  time,
  source: 'cumulative',
  ref: String(time),
});

const position = (netQuantity: number, averagePrice: number): PositionMath => ({
  netQuantity,
  averagePrice,
  realizedPnl: 0,
  dayBuyQuantity: 0,
  dayBuyValue: 0,
  daySellQuantity: 0,
  daySellValue: 0,
});

describe('unrealizedPnl', () => {
  it('is in whole paise, like the broker, not 4-decimal float residue', () => {
    // 2 @ 812.45 and 1 @ 812.47 average 812.4567; at 812.50 that is 0.1299 → the broker shows 0.13.
    const math = computePositionMath([fill('BUY', 2, 812.45, 1), fill('BUY', 1, 812.47, 2)]);
    expect(math.averagePrice).toBe(812.4567);
    expect(unrealizedPnl(math, 812.5)).toBe(0.13);
  });

  it.each([
    ['short NIFTY option, price up', -65, 118.5, 131.35, -835.25],
    ['half a paisa rounds up', 1, 100.005, 100.01, 0.01],
    ['half a paisa of loss rounds up too (toward +∞, as Math.round in the simulator)', 1, 100.015, 100.01, 0],
    ['float-prone prices', 3, 0.1, 0.3, 0.6],
    ['large quantity keeps exact paise', 1_300, 702.3512, 702.35, -1.56],
    ['flat is 0, never -0', 0, 0, 812.45, 0],
  ])('%s', (_name, net, average, ltp, expected) => {
    const pnl = unrealizedPnl(position(net, average), ltp);
    expect(pnl).toBe(expected);
    expect(Object.is(pnl, -0)).toBe(false);
  });

  it('is null without a last price', () => {
    expect(unrealizedPnl(position(10, 800), null)).toBeNull();
  });
});

describe('computePositionMath', () => {
  it("keeps Kite's day book: average of the open side, realized = closed × (sell avg − buy avg)", () => {
    // Buy 10 @ 100, sell 15 @ 110, buy 3 @ 104: bought 13 for 1,312, sold 15 @ 110, net short 2.
    const math = computePositionMath([
      fill('BUY', 10, 100, 1),
      fill('SELL', 15, 110, 2),
      fill('BUY', 3, 104, 3),
    ]);
    expect(math).toEqual({
      netQuantity: -2,
      averagePrice: 110,
      realizedPnl: 118, // 13 closed × (110 − 1312 / 13)
      dayBuyQuantity: 13,
      dayBuyValue: 1312,
      daySellQuantity: 15,
      daySellValue: 1650,
    });
    // Flat: all of the day's P&L is realized, and the average is 0.
    const flat = computePositionMath([fill('BUY', 5, 812.45, 1), fill('SELL', 5, 812.95, 2)]);
    expect(flat).toMatchObject({ netQuantity: 0, averagePrice: 0, realizedPnl: 2.5 });
  });

  it('is the same for any order of the same fills, and realized + unrealized = the day P&L', () => {
    const fillArb = fc.record({
      side: fc.constantFrom<Fill['side']>('BUY', 'SELL'),
      quantity: fc.integer({ min: 1, max: 500 }),
      paise: fc.integer({ min: 5, max: 200_000 }),
    });
    fc.assert(
      fc.property(
        fc.array(fillArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 5, max: 200_000 }),
        (specs, lastPaise) => {
          const fills = specs.map((s, i) => fill(s.side, s.quantity, s.paise / 100, i + 1));
          const math = computePositionMath(fills);
          expect(computePositionMath([...fills].reverse())).toEqual(math);
          expect(computePositionMath([...fills.slice(1), fills[0]])).toEqual(math);
          const last = lastPaise / 100;
          const day = math.daySellValue - math.dayBuyValue + math.netQuantity * last;
          expect(
            Math.abs(math.realizedPnl + math.netQuantity * (last - math.averagePrice) - day),
          ).toBeLessThan(0.0002 + 0.0001 * Math.abs(math.netQuantity));
        },
      ),
    );
  });
});
