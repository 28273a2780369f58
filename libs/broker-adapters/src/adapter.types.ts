import type { Broker, CanonicalOrder, Channel, Exchange, Side } from '@fillwire/events';

/** One execution, normalized (Kite trade row; XTS trade event 9005 / trade book row). */
export interface TradeRecord {
  broker: Broker;
  accountId: string;
  /** Kite `trade_id`, XTS `ExecutionID`: the dedupe key of an execution. */
  tradeId: string;
  brokerOrderId: string;
  exchangeOrderId: string | null;
  clientTag: string | null;
  symbol: string;
  exchange: Exchange;
  side: Side;
  /** Broker product code as given (CNC, MIS, NRML, MTF, CO, BO). */
  product: string;
  /** Quantity of this execution. */
  quantity: number;
  /** Price of this execution. */
  price: number;
  /** Exchange fill time, epoch ms. */
  tradeTimestamp: number | null;
}

/** A net or day position row, normalized (Kite positions; XTS socket 9002 / REST positionList). */
export interface PositionRecord {
  broker: Broker;
  accountId: string;
  symbol: string;
  exchange: Exchange;
  /** Kite instrument_token / XTS ExchangeInstrumentID, as a string. */
  instrumentId: string | null;
  product: string;
  /** `net` (all open quantity incl. overnight) or `day` (today's activity). */
  scope: 'net' | 'day';
  netQuantity: number;
  buyQuantity: number;
  sellQuantity: number;
  buyAveragePrice: number;
  sellAveragePrice: number;
  buyValue: number;
  sellValue: number;
  /** Average price of the open quantity where the broker says it (Kite); else null. */
  averagePrice: number | null;
  lastPrice: number | null;
  realisedPnl: number;
  unrealisedPnl: number;
  multiplier: number;
}

export interface AccountSegment {
  segment: string;
  net: number;
  availableCash: number;
  utilised: number;
}

/** Profile and funds, normalized (Kite profile/margins/session; XTS login). */
export interface AccountRecord {
  broker: Broker;
  accountId: string;
  userName: string | null;
  segments: AccountSegment[];
}

export interface HoldingRecord {
  broker: Broker;
  accountId: string;
  symbol: string;
  exchange: Exchange;
  isin: string | null;
  quantity: number;
  averagePrice: number;
  lastPrice: number;
  pnl: number;
}

/** A last-traded price (Kite ticker binary packet, quote/LTP). */
export interface TickRecord {
  instrumentToken: number;
  lastPrice: number;
  /** Exchange time when the packet carries it (full mode), epoch ms. */
  exchangeTimestamp: number | null;
}

export type Validity = 'DAY' | 'IOC';

/** Our order placement request (the native `/v1/orders` body less risk fields). */
export interface PlaceOrderRequest {
  accountId: string;
  symbol: string;
  exchange: Exchange;
  side: Side;
  quantity: number;
  orderType: CanonicalOrder['orderType'];
  product: CanonicalOrder['product'];
  price?: number;
  triggerPrice?: number;
  validity?: Validity;
  disclosedQuantity?: number;
  /** Kite `tag` / XTS `orderUniqueIdentifier`: ≤ 20 alphanumerics. */
  tag?: string;
}

/** Changes to a working order; absent fields keep their value. */
export interface ModifyOrderRequest {
  accountId: string;
  brokerOrderId: string;
  orderType?: CanonicalOrder['orderType'];
  quantity?: number;
  price?: number;
  triggerPrice?: number;
  validity?: Validity;
  disclosedQuantity?: number;
}

export interface CancelOrderRequest {
  accountId: string;
  brokerOrderId: string;
}

/** The broker accepted the request (not: the order is live). The final state comes as updates. */
export interface OrderAck {
  broker: Broker;
  accountId: string;
  brokerOrderId: string;
  clientTag: string | null;
  /** Autoslice children (Kite): each either an order id or the broker's refusal. */
  children?: Array<{ brokerOrderId: string } | { error: string; errorType: string }>;
}

/** Where an update came from and when we saw it, attached to every pushed event. */
export interface DeliveryMeta {
  channel: Channel;
  /** Epoch ms with sub-ms fraction (performance.timeOrigin + performance.now()). */
  receivedAt: number;
}

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'logged-out' | 'auth-failed';

/**
 * Events an adapter pushes. Shaped `{type, data}` so the in-process EventEngine's `put` takes them
 * as they are; the gateways turn them into bus envelopes.
 */
export type BrokerAdapterEvent =
  | { type: 'broker.order'; data: { order: CanonicalOrder; meta: DeliveryMeta; raw: unknown } }
  | { type: 'broker.trade'; data: { trade: TradeRecord; meta: DeliveryMeta; raw: unknown } }
  | { type: 'broker.position'; data: { position: PositionRecord; meta: DeliveryMeta; raw: unknown } }
  | { type: 'broker.account'; data: { account: AccountRecord; meta: DeliveryMeta } }
  | { type: 'broker.tick'; data: { tick: TickRecord; meta: DeliveryMeta } }
  | {
      type: 'broker.connection';
      data: { broker: Broker; accountId: string; state: ConnectionState; reason: string | null; at: number };
    }
  | {
      type: 'broker.error';
      data: {
        broker: Broker;
        accountId: string;
        error: string;
        channel: Channel | null;
        raw: unknown;
        at: number;
      };
    };

export type BrokerAdapterEventType = BrokerAdapterEvent['type'];

/** Anything with the engine's `put` (EventEngine from @fillwire/event-engine fits). */
export interface BrokerEventSink {
  put(event: BrokerAdapterEvent): unknown;
}

/** Where the adapter finds XTS instrument ids for our (exchange, symbol) and back. */
export interface InstrumentResolver {
  toXtsInstrumentId(exchange: Exchange, symbol: string): number | undefined;
  fromXtsInstrumentId(exchange: Exchange, instrumentId: number): string | undefined;
}
