import { isTerminalStatus, type Broker, type CanonicalOrder } from '@fillwire/events';
import { deriveOrderFills, isOverfilled, summarizeFills } from './fill-math';
import type { CumulativePoint, Fill, OrderMeta, OrderRecord, TradeFact } from './portfolio-state.types';

/** What Redis holds for one order, parsed. */
export interface StoredOrder {
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
  state: CanonicalOrder | null;
  meta: OrderMeta | null;
  trades: TradeFact[];
  points: CumulativePoint[];
}

export function parseStoredOrder(
  broker: Broker,
  accountId: string,
  brokerOrderId: string,
  state: string,
  meta: string,
  trades: string[],
  points: string[],
): StoredOrder {
  return {
    broker,
    accountId,
    brokerOrderId,
    state: state ? (JSON.parse(state) as CanonicalOrder) : null,
    meta: meta ? (JSON.parse(meta) as OrderMeta) : null,
    trades: trades.map((t) => JSON.parse(t) as TradeFact),
    points: points.map((p) => JSON.parse(p) as CumulativePoint),
  };
}

/** The fills of a stored order; none when neither a state nor a trade says what was traded. */
export function storedOrderFills(stored: StoredOrder): Fill[] {
  const source = stored.state ?? stored.trades[0];
  if (!source) return [];
  return deriveOrderFills({
    broker: stored.broker,
    accountId: stored.accountId,
    brokerOrderId: stored.brokerOrderId,
    instrument: {
      exchange: source.exchange,
      symbol: source.symbol,
      product: source.product,
      side: source.side,
    },
    trades: stored.trades,
    points: stored.points,
  });
}

/**
 * The order as GET /v1/orders shows it: the newest broker state, with filled quantity and average
 * price following the fills when those are ahead (an XTS execution before its order update).
 */
export function assembleOrderRecord(stored: StoredOrder): OrderRecord | null {
  if (!stored.state) return null;
  const fills = storedOrderFills(stored);
  const summary = summarizeFills(fills);
  const order = { ...stored.state };
  if (summary.filledQuantity > order.filledQuantity) {
    order.filledQuantity = summary.filledQuantity;
    order.averagePrice = summary.averagePrice;
  }
  order.pendingQuantity = isTerminalStatus(order.status)
    ? 0
    : Math.max(0, order.quantity - order.filledQuantity);
  return { order, meta: stored.meta, overfilled: isOverfilled(stored.state, fills), fills };
}
