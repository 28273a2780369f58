import { EventEmitter } from 'node:events';
import {
  SimInputError,
  type SimExchange,
  type SimInstrument,
  type SimModifyRequest,
  type SimOrder,
  type SimOrderEngine,
  type SimOrderRequest,
  type SimOrderSnapshot,
  type SimOrderState,
  type SimPosition,
  type SimTrade,
} from './engine.types';
import { defaultInstruments } from './instruments';
import { requiredMargin } from './margin';
import { isMarketOpen, type MarketHoursMode } from './market-hours';
import { OrderIds } from './order-ids';
import { PositionBook } from './position-book';
import { Prng } from './prng';
import { systemClock, type SimClock } from './sim-clock';

export const DEFAULT_SIM_SEED = 20261123;
export const DEFAULT_USER_FUNDS = 10_000_000;

export interface MatchingEngineOptions {
  /** Same seed + same calls on a FakeClock = same prices, ids, delays and fills. */
  seed?: number;
  clock?: SimClock;
  /** Price walk interval; 0 turns the walk off (prices move only through setPrice). */
  tickMs?: number;
  instruments?: SimInstrument[];
  marketHours?: MarketHoursMode;
  /** Funds (rupees) of every user without an explicit entry in `funds`. */
  defaultFunds?: number;
  funds?: Record<string, number>;
  /** Chance that a fill is split into 2-4 partial fills. */
  partialFillProbability?: number;
}

/** Live market figures for quote/full ticker packets. */
export interface SimQuote {
  lastPrice: number;
  lastQuantity: number;
  averagePrice: number;
  volume: number;
  buyQuantity: number;
  sellQuantity: number;
  open: number;
  high: number;
  low: number;
  close: number;
  lastTradeAt: Date;
}

export interface SimMargins {
  funds: number;
  utilised: number;
  available: number;
}

interface MarketState extends SimQuote {
  prng: Prng;
  valuePaise: number;
}

interface Working {
  order: SimOrder;
  timers: Set<() => void>;
  /** A modify or a multi-part fill is under way: matching and new modifies wait for it. */
  busy: boolean;
  pendingCancel: boolean;
  pendingModify: SimModifyRequest | null;
  /** Total paise of all fills, so the average price stays exact. */
  filledValuePaise: number;
}

const TERMINAL: ReadonlySet<SimOrderState> = new Set(['complete', 'cancelled', 'rejected']);
const PRE_OPEN: ReadonlySet<SimOrderState> = new Set(['received', 'validation-pending', 'open-pending']);

const toPaise = (rupees: number): number => Math.round(rupees * 100);
const fmt2 = (n: number): string => n.toFixed(2);

/** True when `price` is a whole number of ticks (compared in paise to dodge float noise). */
export function onTick(price: number, tickSize: number): boolean {
  const paise = price * 100;
  if (Math.abs(paise - Math.round(paise)) > 1e-6) return false;
  return Math.round(paise) % toPaise(tickSize) === 0;
}

const roundToTick = (price: number, tickSize: number): number => {
  const tick = toPaise(tickSize);
  return Math.max(tick, Math.round((price * 100) / tick) * tick) / 100;
};

/**
 * The broker-neutral matching engine behind both simulators. Orders go through the Kite-like
 * lifecycle (received → validation → open-pending → open | trigger-pending → fills → complete),
 * with RMS rejections after acceptance, seeded partial fills and delays, and a seeded price walk
 * that fills resting LIMIT and triggers SL orders. All timing goes through the SimClock.
 */
export class MatchingEngine extends EventEmitter implements SimOrderEngine {
  readonly instruments: readonly SimInstrument[];
  private readonly clock: SimClock;
  private readonly seed: number;
  private readonly tickMs: number;
  private readonly partialFillProbability: number;
  private marketHours: MarketHoursMode;
  private defaultFunds: number;
  private readonly fundsByUser = new Map<string, number>();
  private readonly initialFunds: Record<string, number>;

  private prng!: Prng;
  private ids!: OrderIds;
  private market = new Map<number, MarketState>();
  private readonly ordersById = new Map<string, Working>();
  /** Orders not yet terminal, per user: margin checks and tick matching visit these, not the day's history. */
  private readonly liveByUser = new Map<string, Set<Working>>();
  private readonly sequenceByUser = new Map<string, number>();
  private readonly positionBook = new PositionBook();
  private readonly allTimers = new Set<() => void>();
  private walkTimer: (() => void) | null = null;
  private running = false;

  constructor(options: MatchingEngineOptions = {}) {
    super();
    this.clock = options.clock ?? systemClock;
    this.seed = options.seed ?? DEFAULT_SIM_SEED;
    this.tickMs = options.tickMs ?? 250;
    this.instruments = options.instruments ?? defaultInstruments();
    this.marketHours = options.marketHours ?? 'always';
    this.defaultFunds = options.defaultFunds ?? DEFAULT_USER_FUNDS;
    this.partialFillProbability = options.partialFillProbability ?? 0.3;
    this.initialFunds = { ...(options.funds ?? {}) };
    this.initState();
  }

  private initState(): void {
    this.prng = new Prng(this.seed);
    this.ids = new OrderIds(this.prng.fork(1));
    this.market = new Map();
    this.instruments.forEach((instrument, i) => {
      const price = instrument.basePrice;
      this.market.set(instrument.kiteToken, {
        prng: this.prng.fork(1000 + i),
        lastPrice: price,
        lastQuantity: 0,
        averagePrice: price,
        volume: 0,
        valuePaise: 0,
        buyQuantity: 0,
        sellQuantity: 0,
        open: price,
        high: price,
        low: price,
        close: price,
        lastTradeAt: new Date(this.clock.now()),
      });
    });
    this.fundsByUser.clear();
    for (const [user, funds] of Object.entries(this.initialFunds)) this.fundsByUser.set(user, funds);
  }

  /** Starts the price walk (no-op when tickMs is 0). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.scheduleWalk();
  }

  /** Stops the walk and every pending fill/transition timer. */
  stop(): void {
    this.running = false;
    this.walkTimer?.();
    this.walkTimer = null;
    for (const cancel of this.allTimers) cancel();
    this.allTimers.clear();
  }

  /** Back to the seeded start: no orders, positions or custom prices (funds back to the options). */
  reset(): void {
    const wasRunning = this.running;
    this.stop();
    this.ordersById.clear();
    this.liveByUser.clear();
    this.sequenceByUser.clear();
    this.positionBook.clear();
    this.initState();
    if (wasRunning) this.start();
  }

  setMarketHours(mode: MarketHoursMode): void {
    this.marketHours = mode;
  }

  setFunds(userId: string, funds: number): void {
    this.fundsByUser.set(userId, funds);
  }

  margins(userId: string): SimMargins {
    const funds = this.fundsByUser.get(userId) ?? this.defaultFunds;
    const utilised = this.utilisedMargin(userId, undefined);
    return { funds, utilised, available: funds - utilised };
  }

  // ---- instruments and prices ----

  findInstrument(exchange: SimExchange, tradingsymbol: string): SimInstrument | undefined {
    return this.instruments.find((i) => i.exchange === exchange && i.tradingsymbol === tradingsymbol);
  }

  findInstrumentByXtsId(exchangeSegment: SimExchange, xtsId: number): SimInstrument | undefined {
    return this.instruments.find((i) => i.exchange === exchangeSegment && i.xtsId === xtsId);
  }

  findInstrumentByToken(kiteToken: number): SimInstrument | undefined {
    return this.instruments.find((i) => i.kiteToken === kiteToken);
  }

  lastPrice(instrument: SimInstrument): number {
    return this.marketOf(instrument).lastPrice;
  }

  quote(instrument: SimInstrument): SimQuote {
    const s = this.marketOf(instrument);
    return {
      lastPrice: s.lastPrice,
      lastQuantity: s.lastQuantity,
      averagePrice: s.averagePrice,
      volume: s.volume,
      buyQuantity: s.buyQuantity,
      sellQuantity: s.sellQuantity,
      open: s.open,
      high: s.high,
      low: s.low,
      close: s.close,
      lastTradeAt: new Date(s.lastTradeAt),
    };
  }

  /** Sets the price (rounded to the tick), emits a tick and matches resting orders against it. */
  setPrice(instrument: SimInstrument, price: number): number {
    const state = this.marketOf(instrument);
    this.applyPrice(instrument, state, roundToTick(price, instrument.tickSize), 0);
    return state.lastPrice;
  }

  private marketOf(instrument: SimInstrument): MarketState {
    const state = this.market.get(instrument.kiteToken);
    if (!state) throw new SimInputError(`unknown instrument ${instrument.tradingsymbol}`, 'not-found');
    return state;
  }

  private scheduleWalk(): void {
    if (!this.running || this.tickMs <= 0) return;
    this.walkTimer = this.clock.schedule(this.tickMs, () => {
      this.walkTimer = null;
      this.walkStep();
      this.scheduleWalk();
    });
  }

  /** One step of the seeded walk for every instrument; options move more than stocks. */
  walkStep(): void {
    for (const instrument of this.instruments) {
      const state = this.marketOf(instrument);
      const sigma =
        instrument.kind === 'index-option' ? 0.003 : instrument.kind === 'index' ? 0.0003 : 0.0004;
      // A weak pull back to the base price keeps a long demo from drifting off into nonsense.
      const pull = -0.01 * Math.log(state.lastPrice / instrument.basePrice);
      const next = state.lastPrice * Math.exp(pull + sigma * state.prng.normal());
      const tradedQuantity = instrument.lotSize * state.prng.int(1, 20);
      this.applyPrice(instrument, state, roundToTick(next, instrument.tickSize), tradedQuantity);
    }
  }

  private applyPrice(
    instrument: SimInstrument,
    state: MarketState,
    price: number,
    tradedQuantity: number,
  ): void {
    state.lastPrice = price;
    state.high = Math.max(state.high, price);
    state.low = Math.min(state.low, price);
    if (tradedQuantity > 0) {
      state.lastQuantity = tradedQuantity;
      state.volume += tradedQuantity;
      state.valuePaise += tradedQuantity * toPaise(price);
      state.averagePrice = Math.round(state.valuePaise / state.volume) / 100;
      state.buyQuantity = tradedQuantity * state.prng.int(50, 150);
      state.sellQuantity = tradedQuantity * state.prng.int(50, 150);
    }
    state.lastTradeAt = new Date(this.clock.now());
    this.emit('tick', { instrument, lastPrice: price, at: new Date(this.clock.now()) });
    for (const live of this.liveByUser.values()) {
      for (const w of [...live]) {
        if (w.order.instrument === instrument && !TERMINAL.has(w.order.state)) this.match(w, false);
      }
    }
  }

  // ---- queries ----

  orders(userId: string): SimOrder[] {
    return [...this.ordersById.values()].filter((w) => w.order.userId === userId).map((w) => w.order);
  }

  order(userId: string, orderId: string): SimOrder | undefined {
    const w = this.ordersById.get(orderId);
    return w && w.order.userId === userId ? w.order : undefined;
  }

  trades(userId: string): SimTrade[] {
    return this.orders(userId)
      .flatMap((o) => o.trades)
      .sort((a, b) => a.time.getTime() - b.time.getTime());
  }

  positions(userId: string): SimPosition[] {
    return this.positionBook.positions(userId, (i) => this.lastPrice(i));
  }

  allOrders(): SimOrder[] {
    return [...this.ordersById.values()].map((w) => w.order);
  }

  /** Users that have orders (for the admin API). */
  users(): string[] {
    return [...new Set(this.allOrders().map((o) => o.userId))];
  }

  // ---- commands ----

  place(request: SimOrderRequest): SimOrder {
    const instrument = this.findInstrument(request.exchange, request.tradingsymbol);
    // Indices (NIFTY 50, NIFTY BANK) only stream prices; they are not tradable.
    if (!instrument || instrument.kind === 'index') throw new SimInputError('Invalid `tradingsymbol`.');
    if (!Number.isInteger(request.quantity) || request.quantity <= 0) {
      throw new SimInputError('Quantity should be greater than 0.');
    }
    const needsPrice = request.orderType === 'LIMIT' || request.orderType === 'SL';
    const needsTrigger = request.orderType === 'SL' || request.orderType === 'SL-M';
    const price = needsPrice ? (request.price ?? 0) : 0;
    const triggerPrice = needsTrigger ? (request.triggerPrice ?? 0) : 0;
    if (needsPrice && !(price > 0)) throw new SimInputError('Invalid `price`.');
    if (needsTrigger && !(triggerPrice > 0)) throw new SimInputError('Invalid `trigger_price`.');
    const disclosed = request.disclosedQuantity ?? 0;
    if (!Number.isInteger(disclosed) || disclosed < 0 || disclosed > request.quantity) {
      throw new SimInputError('Invalid `disclosed_quantity`.');
    }

    const now = new Date(this.clock.now());
    const sequence = (this.sequenceByUser.get(request.userId) ?? 0) + 1;
    this.sequenceByUser.set(request.userId, sequence);
    const order: SimOrder = {
      orderId: this.ids.order(request.broker, now.getTime()),
      broker: request.broker,
      userId: request.userId,
      instrument,
      side: request.side,
      product: request.product,
      validity: request.validity ?? 'DAY',
      disclosedQuantity: disclosed,
      tag: request.tag ?? null,
      variety: request.variety ?? 'regular',
      placedAt: now,
      history: [],
      trades: [],
      sequence,
      state: 'received',
      quantity: request.quantity,
      price,
      triggerPrice,
      orderType: request.orderType,
      filledQuantity: 0,
      pendingQuantity: request.quantity,
      cancelledQuantity: 0,
      averagePrice: 0,
      statusMessage: null,
      statusMessageRaw: null,
      exchangeOrderId: null,
      modified: false,
      at: now,
      exchangeAt: null,
      orderTimestamp: now,
    };
    const w: Working = {
      order,
      timers: new Set(),
      busy: false,
      pendingCancel: false,
      pendingModify: null,
      filledValuePaise: 0,
    };
    this.ordersById.set(order.orderId, w);
    let live = this.liveByUser.get(order.userId);
    if (!live) this.liveByUser.set(order.userId, (live = new Set()));
    live.add(w);
    this.record(w, {});
    this.after(w, this.prng.int(1, 3), () => this.validate(w));
    return order;
  }

  modify(userId: string, orderId: string, changes: SimModifyRequest): SimOrder {
    const w = this.working(userId, orderId);
    const { order } = w;
    if (TERMINAL.has(order.state)) {
      throw new SimInputError(
        `Order cannot be modified as it is ${order.state === 'complete' ? 'completed' : order.state}.`,
        'state',
      );
    }
    this.checkModify(order, changes);
    if (PRE_OPEN.has(order.state)) {
      w.pendingModify = { ...(w.pendingModify ?? {}), ...changes };
      return order;
    }
    if (w.busy || order.state === 'cancel-pending') {
      throw new SimInputError('Order cannot be modified as it is being processed. Try later.', 'state');
    }
    this.startModify(w, changes);
    return order;
  }

  cancel(userId: string, orderId: string): SimOrder {
    const w = this.working(userId, orderId);
    const { order } = w;
    if (TERMINAL.has(order.state) || order.state === 'cancel-pending') {
      throw new SimInputError(
        `Order cannot be cancelled as it is ${order.state === 'complete' ? 'completed' : order.state.replace('-', ' ')}.`,
        'state',
      );
    }
    if (PRE_OPEN.has(order.state) || order.state.startsWith('modif')) {
      w.pendingCancel = true;
      return order;
    }
    this.startCancel(w);
    return order;
  }

  private working(userId: string, orderId: string): Working {
    const w = this.ordersById.get(orderId);
    if (!w || w.order.userId !== userId)
      throw new SimInputError("Couldn't find that `order_id`.", 'not-found');
    return w;
  }

  private checkModify(order: SimOrder, changes: SimModifyRequest): void {
    const { instrument } = order;
    if (changes.quantity !== undefined) {
      if (!Number.isInteger(changes.quantity) || changes.quantity <= 0) {
        throw new SimInputError('Quantity should be greater than 0.');
      }
      if (changes.quantity <= order.filledQuantity) {
        throw new SimInputError('Quantity should be greater than the filled quantity.');
      }
      if (changes.quantity % instrument.lotSize !== 0) {
        throw new SimInputError(`Quantity should be a multiple of lot size ${instrument.lotSize}.`);
      }
    }
    for (const [field, value] of [
      ['price', changes.price],
      ['trigger_price', changes.triggerPrice],
    ] as const) {
      if (value !== undefined && value !== 0 && !onTick(value, instrument.tickSize)) {
        throw new SimInputError(`Invalid \`${field}\`: tick size for this script is ${instrument.tickSize}.`);
      }
    }
  }

  // ---- lifecycle ----

  private validate(w: Working): void {
    const { order } = w;
    this.record(w, { state: 'validation-pending' });
    const rejection = this.rmsCheck(order);
    if (rejection) {
      this.record(w, {
        state: 'rejected',
        pendingQuantity: 0,
        statusMessage: rejection.message,
        statusMessageRaw: rejection.raw,
      });
      return;
    }
    this.record(w, { state: 'open-pending' });
    this.after(w, this.prng.int(1, 4), () => this.reachExchange(w));
  }

  private rmsCheck(order: SimOrder): { message: string; raw: string } | null {
    const { instrument } = order;
    if (!isMarketOpen(this.marketHours, this.clock.now())) {
      return {
        message: 'Markets are closed right now. Use GTT for placing long standing orders instead.',
        raw: 'RMS:Rule: Market is closed for the segment',
      };
    }
    for (const value of [order.price, order.triggerPrice]) {
      if (value !== 0 && !onTick(value, instrument.tickSize)) {
        return {
          message: `Tick size for this script is ${instrument.tickSize}. Kindly enter price in the multiple of tick size for this script`,
          raw: `RMS:Rule: Price ${value} is not a multiple of tick size ${instrument.tickSize}`,
        };
      }
    }
    if (order.quantity % instrument.lotSize !== 0) {
      return {
        message: `Quantity should be a multiple of lot size ${instrument.lotSize}.`,
        raw: `RMS:Rule: Quantity ${order.quantity} is not a multiple of lot size ${instrument.lotSize}`,
      };
    }
    const ltp = this.lastPrice(instrument);
    if (order.orderType === 'SL' || order.orderType === 'SL-M') {
      const buy = order.side === 'BUY';
      if (buy ? order.triggerPrice <= ltp : order.triggerPrice >= ltp) {
        return {
          message: `Trigger price for stoploss ${buy ? 'buy' : 'sell'} orders should be ${buy ? 'higher' : 'lower'} than the last traded price.`,
          raw: `RMS:Rule: Trigger price ${order.triggerPrice} crossed LTP ${ltp}`,
        };
      }
      if (
        order.orderType === 'SL' &&
        (buy ? order.triggerPrice > order.price : order.triggerPrice < order.price)
      ) {
        return {
          message: `Trigger price for stoploss ${buy ? 'buy' : 'sell'} orders cannot be ${buy ? 'above' : 'below'} the limit price.`,
          raw: `RMS:Rule: Trigger price ${order.triggerPrice} beyond limit price ${order.price}`,
        };
      }
    }
    const required = this.requiredFor(order, order.quantity);
    const available =
      (this.fundsByUser.get(order.userId) ?? this.defaultFunds) - this.utilisedMargin(order.userId, order);
    if (required > available + 1e-9) {
      return {
        message: `Insufficient funds. Required margin is ${fmt2(required)} but available margin is ${fmt2(available)}. Check the orderbook for open orders.`,
        raw: `RMS:Margin Exceeds,Required:${fmt2(required)}, Available:${fmt2(available)} for entity account-${order.userId} across exchange across segment across product `,
      };
    }
    return null;
  }

  /** Margin an order needs for `quantity`; the part that only closes an open position needs none. */
  private requiredFor(order: SimOrder, quantity: number): number {
    const net = this.positionBook.netQuantity(order.userId, order.instrument, order.product);
    const closing = order.side === 'BUY' ? Math.max(0, -net) : Math.max(0, net);
    const opening = Math.max(0, quantity - closing);
    if (opening === 0) return 0;
    const reference = order.price || order.triggerPrice || this.lastPrice(order.instrument);
    return requiredMargin(order.instrument, order.side, order.product, opening, reference);
  }

  private utilisedMargin(userId: string, except: SimOrder | undefined): number {
    let used = 0;
    for (const w of this.liveByUser.get(userId) ?? []) {
      const o = w.order;
      if (o === except || TERMINAL.has(o.state) || PRE_OPEN.has(o.state)) continue;
      used += this.requiredFor(o, o.pendingQuantity);
    }
    for (const p of this.positions(userId)) {
      if (p.netQuantity === 0) continue;
      used += requiredMargin(
        p.instrument,
        p.netQuantity > 0 ? 'BUY' : 'SELL',
        p.product,
        Math.abs(p.netQuantity),
        p.averagePrice,
      );
    }
    return Math.round(used * 100) / 100;
  }

  private reachExchange(w: Working): void {
    const { order } = w;
    const now = new Date(this.clock.now());
    const stop = order.orderType === 'SL' || order.orderType === 'SL-M';
    this.record(w, {
      state: stop ? 'trigger-pending' : 'open',
      exchangeOrderId: this.ids.exchangeOrder(),
      exchangeAt: now,
    });
    if (w.pendingCancel) {
      w.pendingCancel = false;
      w.pendingModify = null;
      this.startCancel(w);
      return;
    }
    if (w.pendingModify) {
      const changes = w.pendingModify;
      w.pendingModify = null;
      this.startModify(w, changes);
      return;
    }
    this.match(w, true);
  }

  private startModify(w: Working, changes: SimModifyRequest): void {
    const { order } = w;
    const resumeState = order.state;
    const wasStop = order.orderType === 'SL' || order.orderType === 'SL-M';
    w.busy = true;
    this.record(w, { state: 'modify-validation-pending', orderTimestamp: new Date(this.clock.now()) });
    this.after(w, this.prng.int(1, 3), () => {
      this.record(w, { state: 'modify-pending' });
      this.after(w, this.prng.int(1, 3), () => {
        this.record(w, { state: 'modified', modified: true, exchangeAt: new Date(this.clock.now()) });
        // As in Kite's history, the new values show on the OPEN row that follows MODIFIED.
        const orderType = changes.orderType ?? order.orderType;
        const quantity = changes.quantity ?? order.quantity;
        const isStop = orderType === 'SL' || orderType === 'SL-M';
        // A stop that has not fired yet (or a LIMIT turned into a stop) waits for its trigger again.
        const waitsForTrigger = isStop && (resumeState === 'trigger-pending' || !wasStop);
        const patch: Partial<SimOrderSnapshot> = {
          state: waitsForTrigger ? 'trigger-pending' : 'open',
          orderType,
          quantity,
          pendingQuantity: quantity - order.filledQuantity,
          price: orderType === 'LIMIT' || orderType === 'SL' ? (changes.price ?? order.price) : 0,
          triggerPrice: isStop ? (changes.triggerPrice ?? order.triggerPrice) : 0,
        };
        if (changes.validity) order.validity = changes.validity;
        if (changes.disclosedQuantity !== undefined) order.disclosedQuantity = changes.disclosedQuantity;
        this.record(w, patch);
        w.busy = false;
        if (w.pendingCancel) {
          w.pendingCancel = false;
          this.startCancel(w);
          return;
        }
        this.match(w, true);
      });
    });
  }

  private startCancel(w: Working): void {
    this.clearTimers(w);
    w.busy = false;
    this.record(w, { state: 'cancel-pending' });
    this.after(w, this.prng.int(1, 3), () => this.finishCancel(w, null));
  }

  private finishCancel(w: Working, message: string | null): void {
    const { order } = w;
    this.clearTimers(w);
    w.busy = false;
    this.record(w, {
      state: 'cancelled',
      cancelledQuantity: order.quantity - order.filledQuantity,
      pendingQuantity: 0,
      statusMessage: message,
      statusMessageRaw: message,
      exchangeAt: new Date(this.clock.now()),
    });
  }

  /** Triggers stops and fills what is marketable. `aggressive`: the order just arrived, so it takes the LTP. */
  private match(w: Working, aggressive: boolean): void {
    const { order } = w;
    if (w.busy || (order.state !== 'open' && order.state !== 'trigger-pending')) return;
    const ltp = this.lastPrice(order.instrument);
    const buy = order.side === 'BUY';
    if (order.state === 'trigger-pending') {
      const triggered = buy ? ltp >= order.triggerPrice : ltp <= order.triggerPrice;
      if (!triggered) return;
      this.record(w, { state: 'open', exchangeAt: new Date(this.clock.now()) });
      aggressive = true;
    }
    if (order.orderType === 'MARKET' || order.orderType === 'SL-M') {
      this.startFills(w, null);
      return;
    }
    const marketable = buy ? ltp <= order.price : ltp >= order.price;
    if (marketable) {
      this.startFills(w, aggressive ? ltp : order.price);
    } else if (order.validity === 'IOC') {
      this.finishCancel(w, null);
    }
  }

  /** Splits the open quantity into 1-4 seeded parts and fills them over a few ms to a few 100 ms. */
  private startFills(w: Working, fixedPrice: number | null): void {
    const { order } = w;
    const lot = order.instrument.lotSize;
    const units = order.pendingQuantity / lot;
    let parts = [units];
    if (units >= 2 && this.prng.chance(this.partialFillProbability)) {
      const count = this.prng.int(2, Math.min(4, units));
      parts = this.split(units, count);
    }
    // IOC takes only the liquidity there is now: the first part fills, the rest is cancelled.
    const ioc = order.validity === 'IOC';
    const planned = ioc ? parts.slice(0, 1) : parts;
    w.busy = true;
    let delay = fixedPrice === null ? this.prng.int(1, 10) : this.prng.int(1, 5);
    planned.forEach((unitsInPart, i) => {
      const last = i === planned.length - 1;
      this.after(w, delay, () => {
        const ltp = this.lastPrice(order.instrument);
        this.fill(w, unitsInPart * lot, fixedPrice ?? ltp);
        if (last) {
          w.busy = false;
          if (ioc && order.pendingQuantity > 0) this.finishCancel(w, null);
          else if (order.pendingQuantity > 0) this.match(w, false);
        }
      });
      delay += this.prng.int(5, 300);
    });
  }

  private split(total: number, count: number): number[] {
    const cuts = new Set<number>();
    while (cuts.size < count - 1) cuts.add(this.prng.int(1, total - 1));
    const sorted = [...cuts].sort((a, b) => a - b);
    const parts: number[] = [];
    let previous = 0;
    for (const cut of [...sorted, total]) {
      parts.push(cut - previous);
      previous = cut;
    }
    return parts;
  }

  private fill(w: Working, quantity: number, price: number): void {
    const { order } = w;
    const now = new Date(this.clock.now());
    const trade: SimTrade = {
      tradeId: this.ids.trade(),
      orderId: order.orderId,
      exchangeOrderId: order.exchangeOrderId ?? '',
      quantity,
      price,
      time: now,
      index: order.trades.length + 1,
    };
    order.trades.push(trade);
    w.filledValuePaise += quantity * toPaise(price);
    this.positionBook.apply(order.userId, order.instrument, order.product, order.side, quantity, price);
    const filled = order.filledQuantity + quantity;
    this.record(
      w,
      {
        state: filled === order.quantity ? 'complete' : 'open',
        filledQuantity: filled,
        pendingQuantity: order.quantity - filled,
        averagePrice: Math.round(w.filledValuePaise / filled) / 100,
        exchangeAt: now,
      },
      trade,
    );
    this.emit('trade', trade, order);
  }

  /** Applies a change, appends the snapshot to the history and emits 'order'. */
  private record(w: Working, patch: Partial<SimOrderSnapshot>, trade?: SimTrade): void {
    const { order } = w;
    Object.assign(order, patch, { at: new Date(this.clock.now()) });
    if (TERMINAL.has(order.state)) this.liveByUser.get(order.userId)?.delete(w);
    const snapshot: SimOrderSnapshot = {
      state: order.state,
      quantity: order.quantity,
      price: order.price,
      triggerPrice: order.triggerPrice,
      orderType: order.orderType,
      filledQuantity: order.filledQuantity,
      pendingQuantity: order.pendingQuantity,
      cancelledQuantity: order.cancelledQuantity,
      averagePrice: order.averagePrice,
      statusMessage: order.statusMessage,
      statusMessageRaw: order.statusMessageRaw,
      exchangeOrderId: order.exchangeOrderId,
      modified: order.modified,
      at: order.at,
      exchangeAt: order.exchangeAt,
      orderTimestamp: order.orderTimestamp,
    };
    order.history.push(snapshot);
    this.emit('order', trade ? { order, snapshot, trade } : { order, snapshot });
  }

  private after(w: Working, ms: number, fn: () => void): void {
    const cancel = this.clock.schedule(ms, () => {
      w.timers.delete(cancel);
      this.allTimers.delete(cancel);
      fn();
    });
    w.timers.add(cancel);
    this.allTimers.add(cancel);
  }

  private clearTimers(w: Working): void {
    for (const cancel of w.timers) {
      cancel();
      this.allTimers.delete(cancel);
    }
    w.timers.clear();
  }
}
