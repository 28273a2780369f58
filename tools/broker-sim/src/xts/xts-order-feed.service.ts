import type { SimOrder, SimOrderEngine, SimOrderEvent, SimPosition, SimTrade } from '../engine/engine.types';
import {
  orderRow,
  restPositionRow,
  rowSignature,
  socketPositionRow,
  tradeRow,
  type XtsIdentity,
  type XtsOrderRow,
} from './xts-format';

export type XtsPushEvent = 'order' | 'trade' | 'position';

/** Hands one serialized event to the socket layer; `key` groups events of one order for fault injection. */
export type XtsPublish = (userID: string, event: XtsPushEvent, payload: string, key: string) => void;

/** Same order of magnitude as production SequenceNumbers (1578799396766893 in a real event). */
const SEQUENCE_BASE = 1_578_799_396_000_000;

/**
 * Turns engine changes of XTS orders into XTS rows: pushes `order` on every visible state change,
 * `trade` per execution and `position` after it, and answers the REST book/history/trades/positions.
 * Engine steps that look the same on the XTS wire (received → validation-pending → open-pending
 * are all PendingNew) are collapsed, as production shows one PendingNew.
 */
export class XtsOrderFeed {
  private readonly sequences = new Map<string, number>();
  private readonly lastSignature = new Map<string, string>();
  private readonly lastSequence = new Map<string, number>();
  private readonly seenTrades = new Set<string>();
  private readonly onOrder = (event: SimOrderEvent): void => this.handleOrder(event);
  private readonly onTrade = (trade: SimTrade, order: SimOrder): void => this.handleTrade(trade, order);

  constructor(
    private readonly engine: SimOrderEngine,
    private readonly identity: (userID: string) => XtsIdentity,
    private readonly publish: XtsPublish,
  ) {}

  start(): void {
    this.engine.on('order', this.onOrder);
    this.engine.on('trade', this.onTrade);
  }

  stop(): void {
    this.engine.off('order', this.onOrder);
    this.engine.off('trade', this.onTrade);
  }

  private nextSequence(userID: string): number {
    const next = (this.sequences.get(userID) ?? SEQUENCE_BASE) + 1;
    this.sequences.set(userID, next);
    return next;
  }

  private handleOrder({ order, snapshot, trade }: SimOrderEvent): void {
    if (order.broker !== 'xts') return;
    const who = this.identity(order.userId);
    const signature = rowSignature(orderRow(order, snapshot, who, 0));
    if (this.lastSignature.get(order.orderId) !== signature) {
      this.lastSignature.set(order.orderId, signature);
      const sequence = this.nextSequence(order.userId);
      this.lastSequence.set(order.orderId, sequence);
      const row = orderRow(order, snapshot, who, sequence);
      this.publish(order.userId, 'order', JSON.stringify(row), order.orderId);
    }
    if (trade) this.handleTrade(trade, order);
  }

  private handleTrade(trade: SimTrade, order: SimOrder): void {
    if (order.broker !== 'xts' || this.seenTrades.has(trade.tradeId)) return;
    this.seenTrades.add(trade.tradeId);
    const who = this.identity(order.userId);
    const row = tradeRow(order, trade, who, this.nextSequence(order.userId));
    this.publish(order.userId, 'trade', JSON.stringify(row), order.orderId);
    const position = this.engine
      .positions(order.userId)
      .find((p) => p.instrument.xtsId === order.instrument.xtsId && p.product === order.product);
    if (position) {
      const positionPayload = socketPositionRow(position, who, this.nextSequence(order.userId));
      this.publish(order.userId, 'position', JSON.stringify(positionPayload), order.orderId);
    }
  }

  private xtsOrders(userID: string): SimOrder[] {
    return this.engine.orders(userID).filter((o) => o.broker === 'xts');
  }

  private sequenceOf(order: SimOrder): number {
    return this.lastSequence.get(order.orderId) ?? SEQUENCE_BASE + order.sequence;
  }

  /** GET /orders: the current state of every XTS order of the user. */
  orderBook(userID: string): XtsOrderRow[] {
    const who = this.identity(userID);
    return this.xtsOrders(userID).map((o) => orderRow(o, o.history.at(-1) ?? o, who, this.sequenceOf(o)));
  }

  /** GET /orders?appOrderID=: every state the order passed through, oldest first; undefined if unknown. */
  orderHistory(userID: string, appOrderID: number): XtsOrderRow[] | undefined {
    const order = this.xtsOrders(userID).find((o) => Number(o.orderId) === appOrderID);
    if (!order) return undefined;
    const who = this.identity(userID);
    const rows: XtsOrderRow[] = [];
    let last = '';
    for (const snapshot of order.history) {
      const row = orderRow(order, snapshot, who, this.sequenceOf(order));
      const signature = rowSignature(row);
      if (signature !== last) rows.push(row);
      last = signature;
    }
    return rows;
  }

  findOrder(userID: string, appOrderID: number): SimOrder | undefined {
    return this.xtsOrders(userID).find((o) => Number(o.orderId) === appOrderID);
  }

  /** GET /orders/trades: one row per execution, in execution order. */
  tradeBook(userID: string): XtsOrderRow[] {
    const who = this.identity(userID);
    const executions = this.xtsOrders(userID).flatMap((order) =>
      order.trades.map((trade) => ({ order, trade })),
    );
    executions.sort((a, b) => a.trade.time.getTime() - b.trade.time.getTime());
    return executions.map(({ order, trade }) => tradeRow(order, trade, who, this.sequenceOf(order)));
  }

  /** GET /portfolio/positions: the simulator keeps day positions only, so DayWise and NetWise agree. */
  positions(userID: string): XtsOrderRow[] {
    const who = this.identity(userID);
    const current = this.sequences.get(userID) ?? SEQUENCE_BASE;
    return this.engine
      .positions(userID)
      .filter((p: SimPosition) => p.buyQuantity > 0 || p.sellQuantity > 0)
      .map((p) => restPositionRow(p, who, current));
  }
}
