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
} from '../engine/engine.types';

/**
 * A small scripted SimOrderEngine for the XTS layer's tests: transitions run asynchronously
 * (one per macrotask, like the real engine's timers), MARKET orders fill in two executions, LIMIT
 * orders rest until `fill()` is called, quantities above 10 000 are rejected asynchronously.
 */
export class FakeSimEngine extends EventEmitter implements SimOrderEngine {
  readonly instruments: readonly SimInstrument[] = [
    instrument('SBIN', 3045, 'NSE', 'SBIN', 812.35, 1),
    instrument('RELIANCE', 2885, 'NSE', 'RELIANCE', 2853.5, 1),
    instrument('NIFTY26D0126000CE', 51234, 'NFO', 'NIFTY 01DEC2026 CE 26000', 120.5, 65),
  ];
  private readonly all: SimOrder[] = [];
  private nextOrderId = 1_100_000_001;
  private nextTradeId = 50_000_001;
  private readonly sequences = new Map<string, number>();
  private readonly pending = new Set<NodeJS.Timeout>();

  findInstrument(exchange: SimExchange, tradingsymbol: string): SimInstrument | undefined {
    return this.instruments.find((i) => i.exchange === exchange && i.tradingsymbol === tradingsymbol);
  }
  findInstrumentByXtsId(exchange: SimExchange, xtsId: number): SimInstrument | undefined {
    return this.instruments.find((i) => i.exchange === exchange && i.xtsId === xtsId);
  }
  findInstrumentByToken(kiteToken: number): SimInstrument | undefined {
    return this.instruments.find((i) => i.kiteToken === kiteToken);
  }
  lastPrice(instrument: SimInstrument): number {
    return instrument.basePrice;
  }

  place(request: SimOrderRequest): SimOrder {
    const instrument = this.findInstrument(request.exchange, request.tradingsymbol);
    if (!instrument) throw new SimInputError(`unknown instrument ${request.tradingsymbol}`, 'not-found');
    if (request.quantity % instrument.lotSize !== 0) {
      throw new SimInputError(`quantity should be a multiple of lot size ${instrument.lotSize}`);
    }
    const now = new Date();
    const first: SimOrderSnapshot = {
      state: 'received',
      quantity: request.quantity,
      price: request.price ?? 0,
      triggerPrice: request.triggerPrice ?? 0,
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
    };
    const order: SimOrder = {
      ...first,
      orderId: String(this.nextOrderId++),
      broker: request.broker,
      userId: request.userId,
      instrument,
      side: request.side,
      product: request.product,
      validity: request.validity ?? 'DAY',
      disclosedQuantity: request.disclosedQuantity ?? 0,
      tag: request.tag ?? null,
      variety: request.variety ?? 'regular',
      placedAt: now,
      history: [first],
      trades: [],
      sequence: this.bumpSequence(request.userId),
    };
    this.all.push(order);
    this.emitSnapshot(order, first);
    const steps: (() => void)[] = [
      () => this.transition(order, 'validation-pending'),
      () => this.transition(order, 'open-pending'),
    ];
    if (request.quantity > 10_000) {
      steps.push(() => this.transition(order, 'rejected', { statusMessage: 'RMS:Margin Exceeds' }));
    } else {
      steps.push(() =>
        this.transition(order, 'open', {
          exchangeOrderId: `10000000${order.orderId}`,
          exchangeAt: new Date(),
        }),
      );
      if (request.orderType === 'MARKET') {
        const firstPart = Math.max(
          instrument.lotSize,
          Math.floor(request.quantity / 2 / instrument.lotSize) * instrument.lotSize,
        );
        if (firstPart < request.quantity)
          steps.push(() => this.execute(order, firstPart, instrument.basePrice));
        steps.push(() =>
          this.execute(order, request.quantity - order.filledQuantity, instrument.basePrice + 0.5),
        );
      }
    }
    this.schedule(steps);
    return order;
  }

  modify(userId: string, orderId: string, changes: SimModifyRequest): SimOrder {
    const order = this.mustFind(userId, orderId);
    if (order.state !== 'open') throw new SimInputError(`order ${orderId} cannot be modified`, 'state');
    this.schedule([
      () => this.transition(order, 'modify-validation-pending'),
      () => this.transition(order, 'modify-pending'),
      () =>
        this.transition(order, 'modified', {
          orderType: changes.orderType ?? order.orderType,
          quantity: changes.quantity ?? order.quantity,
          price: changes.price ?? order.price,
          triggerPrice: changes.triggerPrice ?? order.triggerPrice,
          pendingQuantity: (changes.quantity ?? order.quantity) - order.filledQuantity,
          modified: true,
        }),
      () => this.transition(order, 'open'),
    ]);
    return order;
  }

  cancel(userId: string, orderId: string): SimOrder {
    const order = this.mustFind(userId, orderId);
    if (order.state !== 'open') throw new SimInputError(`order ${orderId} cannot be cancelled`, 'state');
    this.schedule([
      () => this.transition(order, 'cancel-pending'),
      () =>
        this.transition(order, 'cancelled', {
          cancelledQuantity: order.quantity - order.filledQuantity,
          pendingQuantity: 0,
          statusMessage: 'Cancelled by user',
        }),
    ]);
    return order;
  }

  /** Fills an open order completely at `price` (for LIMIT orders in tests). */
  fill(orderId: string, quantity: number, price: number): void {
    const order = this.all.find((o) => o.orderId === orderId);
    if (!order) throw new Error(`no order ${orderId}`);
    this.schedule([() => this.execute(order, quantity, price)]);
  }

  orders(userId: string): SimOrder[] {
    return this.all.filter((o) => o.userId === userId);
  }
  order(userId: string, orderId: string): SimOrder | undefined {
    return this.all.find((o) => o.userId === userId && o.orderId === orderId);
  }
  trades(userId: string): SimTrade[] {
    return this.orders(userId).flatMap((o) => o.trades);
  }
  allOrders(): SimOrder[] {
    return [...this.all];
  }

  positions(userId: string): SimPosition[] {
    const byKey = new Map<string, SimPosition>();
    for (const order of this.orders(userId)) {
      const key = `${order.instrument.xtsId}|${order.product}`;
      const p = byKey.get(key) ?? {
        userId,
        instrument: order.instrument,
        product: order.product,
        buyQuantity: 0,
        sellQuantity: 0,
        buyValue: 0,
        sellValue: 0,
        netQuantity: 0,
        averagePrice: 0,
        realised: 0,
        unrealised: 0,
        lastPrice: order.instrument.basePrice,
      };
      for (const t of order.trades) {
        if (order.side === 'BUY') {
          p.buyQuantity += t.quantity;
          p.buyValue += t.quantity * t.price;
        } else {
          p.sellQuantity += t.quantity;
          p.sellValue += t.quantity * t.price;
        }
      }
      p.netQuantity = p.buyQuantity - p.sellQuantity;
      p.averagePrice =
        p.netQuantity > 0 ? p.buyValue / p.buyQuantity : p.netQuantity < 0 ? p.sellValue / p.sellQuantity : 0;
      p.unrealised = p.netQuantity * (p.lastPrice - p.averagePrice);
      byKey.set(key, p);
    }
    return [...byKey.values()];
  }

  /** Cancels pending scripted steps (call in afterEach). */
  stop(): void {
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
  }

  private schedule(steps: (() => void)[]): void {
    const [step, ...rest] = steps;
    if (!step) return;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      step();
      this.schedule(rest);
    }, 2);
    this.pending.add(timer);
  }

  private mustFind(userId: string, orderId: string): SimOrder {
    const order = this.order(userId, orderId);
    if (!order) throw new SimInputError(`order ${orderId} not found`, 'not-found');
    return order;
  }

  private bumpSequence(userId: string): number {
    const next = (this.sequences.get(userId) ?? 0) + 1;
    this.sequences.set(userId, next);
    return next;
  }

  private transition(
    order: SimOrder,
    state: SimOrderState,
    changes: Partial<SimOrderSnapshot> = {},
    trade?: SimTrade,
  ): void {
    const snapshot: SimOrderSnapshot = {
      state,
      quantity: changes.quantity ?? order.quantity,
      price: changes.price ?? order.price,
      triggerPrice: changes.triggerPrice ?? order.triggerPrice,
      orderType: changes.orderType ?? order.orderType,
      filledQuantity: changes.filledQuantity ?? order.filledQuantity,
      pendingQuantity: changes.pendingQuantity ?? order.pendingQuantity,
      cancelledQuantity: changes.cancelledQuantity ?? order.cancelledQuantity,
      averagePrice: changes.averagePrice ?? order.averagePrice,
      statusMessage: changes.statusMessage ?? order.statusMessage,
      statusMessageRaw: changes.statusMessageRaw ?? order.statusMessageRaw,
      exchangeOrderId: changes.exchangeOrderId ?? order.exchangeOrderId,
      modified: changes.modified ?? order.modified,
      at: new Date(),
      exchangeAt: changes.exchangeAt ?? order.exchangeAt,
    };
    Object.assign(order, snapshot);
    order.history.push(snapshot);
    order.sequence = this.bumpSequence(order.userId);
    if (trade) {
      order.trades.push(trade);
      this.emit('trade', trade, order);
    }
    this.emitSnapshot(order, snapshot, trade);
  }

  private execute(order: SimOrder, quantity: number, price: number): void {
    const filled = order.filledQuantity + quantity;
    const trade: SimTrade = {
      tradeId: String(this.nextTradeId++),
      orderId: order.orderId,
      exchangeOrderId: order.exchangeOrderId ?? '',
      quantity,
      price,
      time: new Date(),
      index: order.trades.length + 1,
    };
    const value = order.averagePrice * order.filledQuantity + quantity * price;
    this.transition(
      order,
      filled >= order.quantity ? 'complete' : 'open',
      { filledQuantity: filled, pendingQuantity: order.quantity - filled, averagePrice: value / filled },
      trade,
    );
  }

  private emitSnapshot(order: SimOrder, snapshot: SimOrderSnapshot, trade?: SimTrade): void {
    this.emit('order', trade ? { order, snapshot, trade } : { order, snapshot });
  }
}

function instrument(
  tradingsymbol: string,
  xtsId: number,
  exchange: SimExchange,
  xtsSymbol: string,
  basePrice: number,
  lotSize: number,
): SimInstrument {
  return {
    kiteToken: xtsId * 256 + (exchange === 'NSE' ? 1 : 2),
    xtsId,
    exchange,
    tradingsymbol,
    xtsSymbol,
    lotSize,
    tickSize: 0.05,
    basePrice,
    kind: exchange === 'NFO' ? 'index-option' : 'equity',
  };
}
