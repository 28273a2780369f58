import type {
  Broker,
  CanonicalOrder,
  Channel,
  EventSource,
  Exchange,
  Product,
  Protection,
  Side,
  Validity,
} from '@fillwire/events';

/** Identifies one broker order. */
export interface OrderRef {
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
}

/** Identifies one position: account, instrument and product. */
export interface PositionRef {
  broker: Broker;
  accountId: string;
  exchange: Exchange;
  symbol: string;
  product: Product;
}

/** What order.placed adds to an order beyond its broker state. */
export interface OrderMeta {
  userId: string | null;
  idempotencyKey: string | null;
  validity?: Validity;
  protection?: Protection;
  parentBrokerOrderId?: string;
}

/** One execution as stored (from trade.executed; deduplicated by tradeId per order). */
export interface TradeFact {
  tradeId: string;
  brokerOrderId: string;
  exchangeOrderId: string | null;
  symbol: string;
  exchange: Exchange;
  side: Side;
  product: Product;
  quantity: number;
  price: number;
  tradeTime: number;
}

/** A cumulative fill level observed in an order state: `filled` units at `averagePrice`. */
export interface CumulativePoint {
  filled: number;
  averagePrice: number;
  /** Exchange (else broker) time of the state that first showed this level; 0 when unknown. */
  time: number;
}

/**
 * One fill as positions count it. `source` says where it came from: an execution (`trade`) or
 * the growth of the cumulative filled quantity (`cumulative`, Kite). Exactly one source counts a
 * given unit of an order's filled quantity.
 */
export interface Fill {
  fillId: string;
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
  exchange: Exchange;
  symbol: string;
  product: Product;
  side: Side;
  quantity: number;
  price: number;
  time: number;
  source: 'trade' | 'cumulative';
  /** tradeId for trade fills; `<from>-<to>` cumulative range otherwise. */
  ref: string;
}

/** The merged view of one order (GET /v1/orders). */
export interface OrderRecord {
  /** The newest broker state by compareOrderState; filledQuantity/averagePrice follow the fills. */
  order: CanonicalOrder;
  meta: OrderMeta | null;
  /** Filled quantity beyond the ordered quantity was reported (alerted once). */
  overfilled: boolean;
  fills: Fill[];
}

/** Net position of an account in one instrument and product, average-cost (GET /v1/positions). */
export interface PositionRecord extends PositionRef {
  netQuantity: number;
  averagePrice: number;
  realizedPnl: number;
  unrealizedPnl: number | null;
  lastPrice: number | null;
  dayBuyQuantity: number;
  dayBuyValue: number;
  daySellQuantity: number;
  daySellValue: number;
  /** Bumped by every apply step that moves the position. */
  version: number;
}

export type ApplyVerdict = 'new' | 'newer' | 'duplicate' | 'stale' | 'recorded';

/** One delivery of an update to an order, kept in the order's timeline (newest last, bounded). */
export interface TimelineEntry {
  verdict: ApplyVerdict;
  /** The same event id was delivered before (bus redelivery or a second replica). */
  redelivery: boolean;
  eventId: string;
  type: string;
  source: EventSource;
  channel: Channel | null;
  status: string | null;
  filledQuantity: number | null;
  tradeId: string | null;
  brokerTimestamp: number | null;
  receivedAt: number;
  /** receivedAt − broker time: how late the broker's update reached us. */
  latencyMs: number | null;
  /** apply time − publish time (the stream entry's time). */
  publishToApplyMs: number | null;
  appliedAt: number;
}
