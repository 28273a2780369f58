import type { EventEmitter } from 'node:events';

/**
 * The broker-neutral core of the simulators. The Kite and XTS protocol layers translate their
 * wire formats to and from these types; the matching engine knows nothing about either wire.
 */

export type SimBroker = 'kite' | 'xts';
export type SimExchange = 'NSE' | 'BSE' | 'NFO' | 'BFO' | 'CDS' | 'BCD' | 'MCX';
export type SimSide = 'BUY' | 'SELL';
export type SimOrderType = 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
export type SimProduct = 'CNC' | 'MIS' | 'NRML' | 'MTF';
export type SimValidity = 'DAY' | 'IOC';

/**
 * Engine states, one per step an order can be seen in. Each broker layer maps them to its own
 * status strings (Kite: `PUT ORDER REQ RECEIVED`, `OPEN`, `COMPLETE`, ...; XTS: `PendingNew`,
 * `New`, `PartiallyFilled`, `Filled`, ...). A partial fill is `open` with filledQuantity > 0.
 */
export type SimOrderState =
  | 'received'
  | 'validation-pending'
  | 'open-pending'
  | 'open'
  | 'trigger-pending'
  | 'modify-validation-pending'
  | 'modify-pending'
  | 'modified'
  | 'cancel-pending'
  | 'complete'
  | 'cancelled'
  | 'rejected';

export interface SimInstrument {
  /** Kite instrument_token. */
  kiteToken: number;
  /** XTS ExchangeInstrumentID. */
  xtsId: number;
  exchange: SimExchange;
  tradingsymbol: string;
  /** XTS TradingSymbol style name, e.g. "NIFTY 27NOV2026 CE 24000". */
  xtsSymbol: string;
  lotSize: number;
  tickSize: number;
  /** Starting price for the seeded walk. */
  basePrice: number;
  kind: 'equity' | 'index-option' | 'index';
  /** Options only: underlying name ("NIFTY"), strike, CE/PE and expiry date (yyyy-mm-dd). */
  underlying?: string;
  strike?: number;
  optionType?: 'CE' | 'PE';
  expiry?: string;
}

export interface SimOrderRequest {
  userId: string;
  broker: SimBroker;
  exchange: SimExchange;
  tradingsymbol: string;
  side: SimSide;
  orderType: SimOrderType;
  product: SimProduct;
  quantity: number;
  price?: number;
  triggerPrice?: number;
  disclosedQuantity?: number;
  validity?: SimValidity;
  /** Kite `tag` / XTS `orderUniqueIdentifier`. */
  tag?: string;
  variety?: string;
}

export interface SimModifyRequest {
  orderType?: SimOrderType;
  quantity?: number;
  price?: number;
  triggerPrice?: number;
  disclosedQuantity?: number;
  validity?: SimValidity;
}

export interface SimTrade {
  /** Kite trade_id / XTS ExecutionID. */
  tradeId: string;
  orderId: string;
  exchangeOrderId: string;
  quantity: number;
  price: number;
  /** Fill time (the simulator's clock). */
  time: Date;
  /** 1-based execution index within the order. */
  index: number;
}

/** One snapshot of an order, as stored in its history. */
export interface SimOrderSnapshot {
  state: SimOrderState;
  quantity: number;
  price: number;
  triggerPrice: number;
  orderType: SimOrderType;
  filledQuantity: number;
  pendingQuantity: number;
  cancelledQuantity: number;
  averagePrice: number;
  statusMessage: string | null;
  statusMessageRaw: string | null;
  exchangeOrderId: string | null;
  modified: boolean;
  /** When this state was entered. */
  at: Date;
  /** Exchange update time, null until at exchange. */
  exchangeAt: Date | null;
  /**
   * Time of the last place or modify request (Kite `order_timestamp`, which moves on modify as in
   * the order_info fixture). Always set by the engine.
   */
  orderTimestamp?: Date;
}

export interface SimOrder extends SimOrderSnapshot {
  /** Broker order id: Kite numeric string (15-19 digits); XTS AppOrderID as a decimal string. */
  orderId: string;
  broker: SimBroker;
  userId: string;
  instrument: SimInstrument;
  side: SimSide;
  product: SimProduct;
  validity: SimValidity;
  disclosedQuantity: number;
  tag: string | null;
  variety: string;
  placedAt: Date;
  /** Every state the order passed through, oldest first (the last equals the current one). */
  history: SimOrderSnapshot[];
  trades: SimTrade[];
  /** Monotone per user, for XTS SequenceNumber. */
  sequence: number;
}

export interface SimPosition {
  userId: string;
  instrument: SimInstrument;
  product: SimProduct;
  buyQuantity: number;
  sellQuantity: number;
  buyValue: number;
  sellValue: number;
  netQuantity: number;
  averagePrice: number;
  realised: number;
  unrealised: number;
  lastPrice: number;
}

/** Synchronous refusals (bad input): no order is created. Broker layers map `kind` to their error types. */
export class SimInputError extends Error {
  constructor(
    message: string,
    readonly kind: 'input' | 'not-found' | 'state' | 'permission' = 'input',
  ) {
    super(message);
    this.name = 'SimInputError';
  }
}

export interface SimOrderEvent {
  order: SimOrder;
  /** The snapshot just entered (also the last entry of order.history). */
  snapshot: SimOrderSnapshot;
  /** Set when this transition came with a fill. */
  trade?: SimTrade;
}

export interface SimTick {
  instrument: SimInstrument;
  lastPrice: number;
  at: Date;
}

/**
 * Events: 'order' (SimOrderEvent) on every state change, 'trade' (SimTrade, SimOrder) on every
 * fill, 'tick' (SimTick) on every price step.
 */
export interface SimOrderEngine extends EventEmitter {
  readonly instruments: readonly SimInstrument[];
  findInstrument(exchange: SimExchange, tradingsymbol: string): SimInstrument | undefined;
  findInstrumentByXtsId(exchangeSegment: SimExchange, xtsId: number): SimInstrument | undefined;
  findInstrumentByToken(kiteToken: number): SimInstrument | undefined;
  lastPrice(instrument: SimInstrument): number;
  /** Accepts (possibly to reject asynchronously with a reason, as brokers do) or throws SimInputError. */
  place(request: SimOrderRequest): SimOrder;
  modify(userId: string, orderId: string, changes: SimModifyRequest): SimOrder;
  cancel(userId: string, orderId: string): SimOrder;
  orders(userId: string): SimOrder[];
  order(userId: string, orderId: string): SimOrder | undefined;
  trades(userId: string): SimTrade[];
  positions(userId: string): SimPosition[];
  /** Every order of every user (ground truth for GET /_sim/orders). */
  allOrders(): SimOrder[];
}
