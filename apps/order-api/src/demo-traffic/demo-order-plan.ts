import type { Broker } from '@fillwire/events';
import type { ModifyOrderBody, PlaceOrderBody } from '../orders/order-request.schema';

/** A demo user's broker account the traffic trades on. */
export interface DemoAccount {
  userId: string;
  accountId: string;
  broker: Broker;
}

export interface DemoInstrument {
  symbol: string;
  exchange: 'NSE' | 'NFO';
  /** Where the price hovers: the simulator's seeded base price (its walk pulls back to it). */
  price: number;
  tick: number;
  lot: number;
  /** How far limits, stops and targets sit from the price, as a fraction (options move more). */
  spread: number;
}

const equity = (symbol: string, price: number): DemoInstrument => ({
  symbol,
  exchange: 'NSE',
  price,
  tick: price < 250 ? 0.01 : 0.05,
  lot: 1,
  spread: 0.008,
});
const option = (symbol: string, price: number, lot: number): DemoInstrument => ({
  symbol,
  exchange: 'NFO',
  price,
  tick: 0.05,
  lot,
  spread: 0.04,
});

/**
 * The simulator's tradable instruments (tools/broker-sim instruments.ts). XTS accounts trade the
 * equities only: order-api maps NSE cash symbols to XTS instrument ids, not options.
 */
export const DEMO_INSTRUMENTS: readonly DemoInstrument[] = [
  equity('SBIN', 812.45),
  equity('RELIANCE', 1418.6),
  equity('INFY', 1524.3),
  equity('TCS', 3125.5),
  equity('HDFCBANK', 987.35),
  equity('ITC', 412.8),
  equity('TATASTEEL', 158.42),
  option('NIFTY26D0126000CE', 118.5, 65),
  option('NIFTY26D0126000PE', 118.5, 65),
  option('NIFTY26D0126100CE', 63.5, 65),
  option('BANKNIFTY26DEC59000CE', 702.35, 30),
  option('BANKNIFTY26DEC59000PE', 702.35, 30),
];

export type DemoAction =
  | { kind: 'place'; userId: string; accountId: string; body: PlaceOrderBody }
  | { kind: 'modify'; userId: string; accountId: string; orderId: string; body: ModifyOrderBody }
  | { kind: 'cancel'; userId: string; accountId: string; orderId: string };

/** A limit order placed away from the price: it may rest, so it may be modified or cancelled. */
interface Resting {
  userId: string;
  accountId: string;
  orderId: string;
  price: number;
  instrument: DemoInstrument;
}

/** Chances of each kind of step (the rest of the time an order is placed). */
const MODIFY_SHARE = 0.12;
const CANCEL_SHARE = 0.1;
const MARKET_SHARE = 0.45;
/** Of the limit orders, how many sit away from the price (the rest are marketable). */
const RESTING_SHARE = 0.6;
const PROTECTED_SHARE = 0.35;
/** Resting orders kept track of; past this the oldest is cancelled first. */
const MAX_RESTING = 8;
/** Open lots per account and instrument before the plan trades the other way. */
const MAX_NET_LOTS = 20;

/** mulberry32: small, fast and the same sequence for the same seed on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const onTick = (price: number, tick: number): number =>
  Math.max(tick, Math.round(Math.round(price / tick) * tick * 100) / 100);

/**
 * The demo traffic's decisions, deterministic for a seed: which order to place next (market and
 * limit orders across the simulator's instruments, some with stop-loss and target), and now and
 * then a modify or cancel of a limit order that may still rest. No I/O: DemoTrafficService runs the
 * actions and reports back which orders the broker took.
 */
export class DemoOrderPlan {
  private readonly random: () => number;
  private readonly resting: Resting[] = [];
  /** Lots bought minus sold per account and instrument by market orders (they fill at once). */
  private readonly netLots = new Map<string, number>();

  constructor(
    private readonly accounts: readonly DemoAccount[],
    seed: number,
  ) {
    if (accounts.length === 0) throw new Error('DemoOrderPlan needs at least one account');
    this.random = mulberry32(seed);
  }

  /** Milliseconds until the next step: uniform between 2/3 and 4/3 of the mean. */
  nextDelayMs(meanMs: number): number {
    return Math.round(meanMs * (2 / 3 + (2 / 3) * this.random()));
  }

  next(): DemoAction {
    const r = this.random();
    if (this.resting.length > 0 && r < MODIFY_SHARE) return this.modify();
    if (this.resting.length >= MAX_RESTING || (this.resting.length > 0 && r < MODIFY_SHARE + CANCEL_SHARE))
      return this.cancel();
    return this.place();
  }

  /** The broker took a placement: remember a resting limit order for later modifies and cancels. */
  placed(action: DemoAction, orderId: string): void {
    if (action.kind !== 'place') return;
    const { body } = action;
    const instrument = DEMO_INSTRUMENTS.find((i) => i.symbol === body.symbol && i.exchange === body.exchange);
    if (!instrument) return;
    if (body.orderType === 'MARKET') {
      const key = `${action.accountId}|${body.symbol}`;
      const lots = body.quantity / instrument.lot;
      this.netLots.set(key, (this.netLots.get(key) ?? 0) + (body.side === 'BUY' ? lots : -lots));
      return;
    }
    const price = body.price ?? 0;
    const away = body.side === 'BUY' ? price < instrument.price : price > instrument.price;
    if (body.orderType === 'LIMIT' && away) {
      this.resting.push({ userId: action.userId, accountId: action.accountId, orderId, price, instrument });
    }
  }

  /** The order is done (filled, cancelled or refused): no more modifies or cancels for it. */
  forget(orderId: string): void {
    const i = this.resting.findIndex((o) => o.orderId === orderId);
    if (i >= 0) this.resting.splice(i, 1);
  }

  /** Orders the plan may still modify or cancel, oldest first. */
  get restingOrderIds(): string[] {
    return this.resting.map((o) => o.orderId);
  }

  private place(): DemoAction {
    const account = this.pick(this.accounts);
    const choices = DEMO_INSTRUMENTS.filter((i) => account.broker === 'zerodha' || i.exchange === 'NSE');
    // Options are a quarter of a Zerodha account's orders: fewer, bigger, livelier.
    const options = choices.filter((i) => i.exchange === 'NFO');
    const instrument =
      options.length > 0 && this.random() < 0.25
        ? this.pick(options)
        : this.pick(choices.filter((i) => i.exchange === 'NSE'));
    const side = this.side(account, instrument);
    const lots =
      instrument.exchange === 'NFO' ? this.int(1, 2) : this.int(1, instrument.price > 1000 ? 5 : 20);
    const body: PlaceOrderBody = {
      accountId: account.accountId,
      symbol: instrument.symbol,
      exchange: instrument.exchange,
      side,
      quantity: lots * instrument.lot,
      orderType: 'MARKET',
      product: instrument.exchange === 'NFO' ? 'NRML' : 'MIS',
    };
    const dir = side === 'BUY' ? 1 : -1;
    let entry = instrument.price;
    if (this.random() >= MARKET_SHARE) {
      // Resting: a little below a buy / above a sell; marketable: across the price, fills at once.
      const offset =
        this.random() < RESTING_SHARE ? -(0.15 + 0.85 * this.random()) : 0.05 + 0.25 * this.random();
      entry = onTick(instrument.price * (1 + dir * offset * instrument.spread), instrument.tick);
      body.orderType = 'LIMIT';
      body.price = entry;
    }
    if (this.random() < PROTECTED_SHARE) {
      body.stopLoss = onTick(entry * (1 - dir * 0.6 * instrument.spread), instrument.tick);
      body.target = onTick(entry * (1 + dir * 0.6 * instrument.spread), instrument.tick);
    }
    return { kind: 'place', userId: account.userId, accountId: account.accountId, body };
  }

  /** Random, but back towards flat past MAX_NET_LOTS, and never short options on purpose (margin). */
  private side(account: DemoAccount, instrument: DemoInstrument): PlaceOrderBody['side'] {
    const net = this.netLots.get(`${account.accountId}|${instrument.symbol}`) ?? 0;
    const buy = this.random() < 0.5;
    if (instrument.exchange === 'NFO' && net <= 0) return 'BUY';
    if (net >= MAX_NET_LOTS) return 'SELL';
    if (net <= -MAX_NET_LOTS) return 'BUY';
    return buy ? 'BUY' : 'SELL';
  }

  /** Moves a resting limit halfway towards the price: the modify often makes it fill. */
  private modify(): DemoAction {
    const order = this.resting[this.int(0, this.resting.length - 1)];
    const price = onTick((order.price + order.instrument.price) / 2, order.instrument.tick);
    const changed = price === order.price ? onTick(order.instrument.price, order.instrument.tick) : price;
    order.price = changed;
    return {
      kind: 'modify',
      userId: order.userId,
      accountId: order.accountId,
      orderId: order.orderId,
      body: { price: changed },
    };
  }

  private cancel(): DemoAction {
    const order = this.resting.shift();
    if (!order) return this.place();
    return { kind: 'cancel', userId: order.userId, accountId: order.accountId, orderId: order.orderId };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
}
