import { SimInputError, type SimOrder, type SimOrderRequest, type SimOrderState } from './engine.types';
import { FakeClock } from './fake-clock';
import { MatchingEngine, type MatchingEngineOptions } from './matching-engine';

// 2026-11-23 (a Monday) 10:00 IST.
const MARKET_HOURS = Date.UTC(2026, 10, 23, 4, 30, 0);

function setup(options: MatchingEngineOptions = {}) {
  const clock = new FakeClock(MARKET_HOURS);
  const engine = new MatchingEngine({ clock, tickMs: 0, partialFillProbability: 0, ...options });
  const instrument = (symbol: string) => {
    const found = engine.instruments.find((i) => i.tradingsymbol === symbol);
    if (!found) throw new Error(`no ${symbol}`);
    return found;
  };
  const place = (overrides: Partial<SimOrderRequest> = {}): SimOrder =>
    engine.place({
      userId: 'AB1234',
      broker: 'kite',
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      side: 'BUY',
      orderType: 'MARKET',
      product: 'MIS',
      quantity: 10,
      ...overrides,
    });
  /** Lets every pending lifecycle step and fill run (fills are at most a few hundred ms apart). */
  const settle = () => clock.advance(2_000);
  return { clock, engine, instrument, place, settle };
}

const states = (order: SimOrder): SimOrderState[] => order.history.map((s) => s.state);
const exactAverage = (order: SimOrder): number =>
  Math.round(
    order.trades.reduce((sum, t) => sum + t.quantity * Math.round(t.price * 100), 0) / order.filledQuantity,
  ) / 100;

describe('MatchingEngine', () => {
  it('fills a MARKET order at the last price through the Kite lifecycle', () => {
    const { engine, place, settle, instrument } = setup();
    const ltp = engine.lastPrice(instrument('SBIN'));
    const order = place();
    expect(order.state).toBe('received');
    settle();
    expect(states(order)).toEqual(['received', 'validation-pending', 'open-pending', 'open', 'complete']);
    expect(order.filledQuantity).toBe(10);
    expect(order.pendingQuantity).toBe(0);
    expect(order.averagePrice).toBe(ltp);
    expect(order.trades).toHaveLength(1);
    expect(order.exchangeOrderId).toMatch(/^\d{16}$/);
    expect(order.history.at(-1)).toEqual(expect.objectContaining({ state: 'complete', filledQuantity: 10 }));
  });

  it('emits order and trade events in order', () => {
    const { engine, place, settle } = setup();
    const seen: string[] = [];
    engine.on('order', (e: { snapshot: { state: string }; trade?: unknown }) =>
      seen.push(`order:${e.snapshot.state}${e.trade ? '+trade' : ''}`),
    );
    engine.on('trade', () => seen.push('trade'));
    place();
    settle();
    expect(seen).toEqual([
      'order:received',
      'order:validation-pending',
      'order:open-pending',
      'order:open',
      'order:complete+trade',
      'trade',
    ]);
  });

  it('splits fills into partials that sum to the quantity with an exact average price', () => {
    const { engine, place, clock } = setup({ partialFillProbability: 1, tickMs: 50 });
    engine.start();
    const order = place({ quantity: 100 });
    clock.advance(3_000);
    engine.stop();
    expect(order.state).toBe('complete');
    expect(order.trades.length).toBeGreaterThanOrEqual(2);
    expect(order.trades.reduce((sum, t) => sum + t.quantity, 0)).toBe(100);
    expect(order.averagePrice).toBe(exactAverage(order));
    const partial = order.history.filter((s) => s.state === 'open' && s.filledQuantity > 0);
    expect(partial.length).toBe(order.trades.length - 1);
    expect(order.trades.map((t) => t.index)).toEqual(order.trades.map((_, i) => i + 1));
  });

  it('keeps partial F&O fills in whole lots', () => {
    const { place, settle } = setup({ partialFillProbability: 1 });
    const order = place({ exchange: 'NFO', tradingsymbol: 'NIFTY26D0126000CE', quantity: 65 * 7 });
    settle();
    expect(order.state).toBe('complete');
    for (const trade of order.trades) expect(trade.quantity % 65).toBe(0);
  });

  it('rests a LIMIT order until the price crosses, then fills at the limit', () => {
    const { engine, place, settle, instrument } = setup();
    const sbin = instrument('SBIN');
    engine.setPrice(sbin, 812.45);
    const order = place({ orderType: 'LIMIT', price: 800 });
    settle();
    expect(order.state).toBe('open');
    engine.setPrice(sbin, 805);
    settle();
    expect(order.state).toBe('open');
    engine.setPrice(sbin, 799.5);
    settle();
    expect(order.state).toBe('complete');
    expect(order.averagePrice).toBe(800);
  });

  it('fills a marketable LIMIT order at the better last price', () => {
    const { engine, place, settle, instrument } = setup();
    engine.setPrice(instrument('SBIN'), 810);
    const order = place({ orderType: 'LIMIT', price: 815, side: 'BUY' });
    settle();
    expect(order.state).toBe('complete');
    expect(order.averagePrice).toBe(810);
  });

  it('triggers an SL buy, then fills it as a limit order', () => {
    const { engine, place, settle, instrument } = setup();
    const sbin = instrument('SBIN');
    engine.setPrice(sbin, 800);
    const order = place({ orderType: 'SL', price: 821, triggerPrice: 820 });
    settle();
    expect(order.state).toBe('trigger-pending');
    engine.setPrice(sbin, 819.95);
    settle();
    expect(order.state).toBe('trigger-pending');
    engine.setPrice(sbin, 820.5);
    settle();
    expect(states(order).slice(3)).toEqual(['trigger-pending', 'open', 'complete']);
    expect(order.averagePrice).toBe(820.5);
  });

  it('triggers an SL-M sell and fills it at the market', () => {
    const { engine, place, settle, instrument } = setup();
    const sbin = instrument('SBIN');
    engine.setPrice(sbin, 800);
    const order = place({ side: 'SELL', orderType: 'SL-M', triggerPrice: 790 });
    settle();
    expect(order.state).toBe('trigger-pending');
    engine.setPrice(sbin, 788);
    settle();
    expect(order.state).toBe('complete');
    expect(order.averagePrice).toBe(788);
  });

  it('rejects a stop whose trigger the price has already passed', () => {
    const { engine, place, settle, instrument } = setup();
    engine.setPrice(instrument('SBIN'), 800);
    const order = place({ orderType: 'SL-M', triggerPrice: 790 });
    settle();
    expect(order.state).toBe('rejected');
    expect(order.statusMessage).toMatch(/Trigger price for stoploss buy orders should be higher/);
  });

  it('modifies an open order through the modify states, new values on the final OPEN row', () => {
    const { engine, place, settle, instrument, clock } = setup();
    engine.setPrice(instrument('SBIN'), 812.45);
    const order = place({ orderType: 'LIMIT', price: 800 });
    settle();
    const placedTimestamp = order.orderTimestamp;
    clock.advance(60_000);
    engine.modify('AB1234', order.orderId, { price: 801, quantity: 20 });
    settle();
    expect(states(order)).toEqual([
      'received',
      'validation-pending',
      'open-pending',
      'open',
      'modify-validation-pending',
      'modify-pending',
      'modified',
      'open',
    ]);
    const modifiedRow = order.history[6];
    expect(modifiedRow.price).toBe(800);
    expect(order.price).toBe(801);
    expect(order.quantity).toBe(20);
    expect(order.pendingQuantity).toBe(20);
    expect(order.modified).toBe(true);
    expect(order.orderTimestamp?.getTime()).toBe((placedTimestamp?.getTime() ?? 0) + 60_000 + 2_000);
  });

  it('fills a modified order that became marketable', () => {
    const { engine, place, settle, instrument } = setup();
    engine.setPrice(instrument('SBIN'), 812.45);
    const order = place({ orderType: 'LIMIT', price: 800 });
    settle();
    engine.modify('AB1234', order.orderId, { price: 815 });
    settle();
    expect(order.state).toBe('complete');
    expect(order.averagePrice).toBe(812.45);
  });

  it('cancels an open order with the rest as cancelled quantity', () => {
    const { engine, place, settle } = setup();
    const order = place({ orderType: 'LIMIT', price: 700 });
    settle();
    engine.cancel('AB1234', order.orderId);
    settle();
    expect(states(order).slice(-3)).toEqual(['open', 'cancel-pending', 'cancelled']);
    expect(order.cancelledQuantity).toBe(10);
    expect(order.pendingQuantity).toBe(0);
    expect(() => engine.cancel('AB1234', order.orderId)).toThrow(SimInputError);
  });

  it('runs a cancel that arrives before the order reached the exchange once it is open', () => {
    const { engine, place, settle } = setup();
    const order = place({ orderType: 'LIMIT', price: 700 });
    engine.cancel('AB1234', order.orderId);
    settle();
    expect(states(order)).toEqual([
      'received',
      'validation-pending',
      'open-pending',
      'open',
      'cancel-pending',
      'cancelled',
    ]);
  });

  it('cancels an IOC limit order that is not marketable', () => {
    const { place, settle } = setup();
    const order = place({ orderType: 'LIMIT', price: 700, validity: 'IOC' });
    settle();
    expect(states(order).slice(-2)).toEqual(['open', 'cancelled']);
    expect(order.cancelledQuantity).toBe(10);
  });

  it('fills what an IOC market order can take and cancels the remainder', () => {
    const { place, settle } = setup({ partialFillProbability: 1 });
    const order = place({ quantity: 100, validity: 'IOC' });
    settle();
    expect(order.state).toBe('cancelled');
    expect(order.trades).toHaveLength(1);
    expect(order.filledQuantity).toBeGreaterThan(0);
    expect(order.filledQuantity + order.cancelledQuantity).toBe(100);
  });

  it('rejects after acceptance when margin is insufficient', () => {
    const { place, settle } = setup({ defaultFunds: 1_000 });
    const order = place({ product: 'CNC', quantity: 10 });
    settle();
    expect(states(order)).toEqual(['received', 'validation-pending', 'rejected']);
    expect(order.statusMessage).toMatch(
      /^Insufficient funds\. Required margin is 8124\.50 but available margin is 1000\.00/,
    );
    expect(order.statusMessageRaw).toMatch(/^RMS:Margin Exceeds,Required:8124\.50, Available:1000\.00/);
    expect(order.exchangeOrderId).toBeNull();
  });

  it('counts open orders and positions against the margin', () => {
    const { engine, place, settle } = setup({ funds: { AB1234: 10_000 } });
    place({ product: 'CNC', quantity: 10 });
    settle();
    expect(engine.margins('AB1234').utilised).toBeCloseTo(8124.5, 2);
    const second = place({ product: 'CNC', quantity: 10 });
    settle();
    expect(second.state).toBe('rejected');
    const exit = place({ product: 'CNC', quantity: 10, side: 'SELL' });
    settle();
    expect(exit.state).toBe('complete');
  });

  it('rejects a price off the tick size', () => {
    const { place, settle } = setup();
    const order = place({ orderType: 'LIMIT', price: 812.43 });
    settle();
    expect(order.state).toBe('rejected');
    expect(order.statusMessage).toMatch(/Tick size for this script is 0\.05/);
  });

  it('accepts 0.01 steps for a stock below Rs 250', () => {
    const { place, settle, instrument } = setup();
    expect(instrument('TATASTEEL').tickSize).toBe(0.01);
    const order = place({ tradingsymbol: 'TATASTEEL', orderType: 'LIMIT', price: 150.01 });
    settle();
    expect(order.state).toBe('open');
  });

  it('rejects an F&O quantity that is not a multiple of the lot size', () => {
    const { place, settle } = setup();
    const order = place({ exchange: 'NFO', tradingsymbol: 'BANKNIFTY26DEC59000PE', quantity: 45 });
    settle();
    expect(order.state).toBe('rejected');
    expect(order.statusMessage).toBe('Quantity should be a multiple of lot size 30.');
  });

  it('rejects orders outside 09:15-15:30 IST in NSE hours mode', () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 22, 21, 30, 0)); // 03:00 IST
    const engine = new MatchingEngine({ clock, tickMs: 0, marketHours: 'nse' });
    const order = engine.place({
      userId: 'AB1234',
      broker: 'kite',
      exchange: 'NSE',
      tradingsymbol: 'SBIN',
      side: 'BUY',
      orderType: 'MARKET',
      product: 'MIS',
      quantity: 1,
    });
    clock.advance(1_000);
    expect(order.state).toBe('rejected');
    expect(order.statusMessage).toMatch(/^Markets are closed right now/);
  });

  it.each([0, -5, 1.5])('refuses quantity %p without creating an order', (quantity) => {
    const { engine, place } = setup();
    expect(() => place({ quantity })).toThrow(SimInputError);
    expect(engine.allOrders()).toHaveLength(0);
  });

  it('refuses unknown instruments and orders of other users', () => {
    const { engine, place } = setup();
    expect(() => place({ tradingsymbol: 'NOPE' })).toThrow(SimInputError);
    expect(() => place({ tradingsymbol: 'NIFTY 50' })).toThrow(SimInputError);
    const order = place();
    let refusal: unknown;
    try {
      engine.cancel('CD5678', order.orderId);
    } catch (err) {
      refusal = err;
    }
    expect(refusal).toEqual(expect.objectContaining({ kind: 'not-found' }));
    expect(engine.order('CD5678', order.orderId)).toBeUndefined();
  });

  it('issues 19-digit Kite ids above 2^53 and 10-digit XTS ids', () => {
    const { place } = setup();
    const a = place();
    const b = place();
    const x = place({ broker: 'xts', userId: 'JN0001' });
    expect(a.orderId).toMatch(/^\d{19}$/);
    expect(BigInt(a.orderId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(BigInt(b.orderId) > BigInt(a.orderId)).toBe(true);
    expect(x.orderId).toMatch(/^\d{10}$/);
  });

  it('keeps net positions with exact average and realised/unrealised P&L', () => {
    const { engine, place, settle, instrument } = setup();
    const sbin = instrument('SBIN');
    engine.setPrice(sbin, 800);
    place({ quantity: 10 });
    settle();
    engine.setPrice(sbin, 810);
    place({ quantity: 10 });
    settle();
    engine.setPrice(sbin, 820);
    place({ quantity: 5, side: 'SELL' });
    settle();
    const [position] = engine.positions('AB1234');
    expect(position).toEqual(
      expect.objectContaining({
        netQuantity: 15,
        buyQuantity: 20,
        sellQuantity: 5,
        buyValue: 16_100,
        sellValue: 4_100,
        averagePrice: 805,
        realised: 75,
        unrealised: 225,
        lastPrice: 820,
      }),
    );
  });

  it("books P&L like Kite's day book, so the order of trades does not change it", () => {
    const run = (steps: Array<[number, 'BUY' | 'SELL', number]>) => {
      const { engine, place, settle, instrument } = setup();
      const sbin = instrument('SBIN');
      for (const [price, side, quantity] of steps) {
        engine.setPrice(sbin, price);
        place({ side, quantity });
        settle();
      }
      return engine.positions('AB1234')[0];
    };
    // A running average-cost book would say realised 33.33 and average 113.33 for the first order.
    const a = run([
      [100, 'BUY', 10],
      [110, 'SELL', 5],
      [120, 'BUY', 10],
      [110, 'SELL', 5],
    ]);
    const b = run([
      [120, 'BUY', 10],
      [110, 'SELL', 5],
      [100, 'BUY', 10],
      [110, 'SELL', 5],
    ]);
    const expected = { netQuantity: 10, averagePrice: 110, realised: 0, buyValue: 2_200, sellValue: 1_100 };
    expect(a).toEqual(expect.objectContaining(expected));
    expect(b).toEqual(expect.objectContaining(expected));
  });

  it('replays the same prices, ids and fills for the same seed', () => {
    const run = (seed: number) => {
      const { engine, place, clock } = setup({ seed, tickMs: 250, partialFillProbability: 0.5 });
      engine.start();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(place({ quantity: 10 * (i + 1) }).orderId);
        ids.push(
          place({ exchange: 'NFO', tradingsymbol: 'NIFTY26D0126000PE', quantity: 130, side: 'SELL' }).orderId,
        );
        clock.advance(700);
      }
      clock.advance(5_000);
      engine.stop();
      return JSON.stringify({
        ids,
        orders: engine.allOrders(),
        prices: engine.instruments.map((i) => engine.lastPrice(i)),
      });
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it('walks prices on the tick interval and emits ticks', () => {
    const { engine, clock } = setup({ tickMs: 250 });
    const ticks: unknown[] = [];
    engine.on('tick', (t) => ticks.push(t));
    engine.start();
    clock.advance(1_000);
    engine.stop();
    expect(ticks).toHaveLength(4 * engine.instruments.length);
    clock.advance(1_000);
    expect(ticks).toHaveLength(4 * engine.instruments.length);
    expect(clock.pending()).toBe(0);
  });

  it('resets to the seeded start', () => {
    const { engine, place, settle, instrument } = setup();
    const sbin = instrument('SBIN');
    const base = engine.lastPrice(sbin);
    engine.setPrice(sbin, 900);
    place();
    settle();
    engine.reset();
    expect(engine.allOrders()).toHaveLength(0);
    expect(engine.positions('AB1234')).toHaveLength(0);
    expect(engine.lastPrice(sbin)).toBe(base);
  });
});
