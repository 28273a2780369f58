import type {
  SimExchange,
  SimOrder,
  SimOrderSnapshot,
  SimOrderType,
  SimPosition,
  SimTrade,
} from '../engine/engine.types';

/**
 * Engine order → XTS wire rows, with the value formats production servers really send
 * (brokers.md §2.5-§2.8): PascalCase keys, `Buy`/`Sell`, `Limit`, the average price as a string
 * with thousands separators, IST timestamps without offset plus the `*API` dd-MM-yyyy variants.
 */

export type XtsSegment = 'NSECM' | 'NSEFO' | 'NSECD' | 'BSECM' | 'BSEFO' | 'BSECD' | 'MCXFO';

export const SEGMENT_BY_EXCHANGE: Record<SimExchange, XtsSegment> = {
  NSE: 'NSECM',
  NFO: 'NSEFO',
  CDS: 'NSECD',
  BSE: 'BSECM',
  BFO: 'BSEFO',
  BCD: 'BSECD',
  MCX: 'MCXFO',
};

export const EXCHANGE_BY_SEGMENT: Record<XtsSegment, SimExchange> = {
  NSECM: 'NSE',
  NSEFO: 'NFO',
  NSECD: 'CDS',
  BSECM: 'BSE',
  BSEFO: 'BFO',
  BSECD: 'BCD',
  MCXFO: 'MCX',
};

export type XtsRequestOrderType = 'MARKET' | 'LIMIT' | 'STOPMARKET' | 'STOPLIMIT';

export const ENGINE_ORDER_TYPE: Record<XtsRequestOrderType, SimOrderType> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOPMARKET: 'SL-M',
  STOPLIMIT: 'SL',
};

const WIRE_ORDER_TYPE: Record<SimOrderType, string> = {
  MARKET: 'Market',
  LIMIT: 'Limit',
  'SL-M': 'StopMarket',
  SL: 'StopLimit',
};

export type XtsOrderStatus =
  | 'PendingNew'
  | 'New'
  | 'PartiallyFilled'
  | 'Filled'
  | 'Cancelled'
  | 'Rejected'
  | 'PendingReplace'
  | 'Replaced'
  | 'PendingCancel';

export function xtsStatus(snapshot: Pick<SimOrderSnapshot, 'state' | 'filledQuantity'>): XtsOrderStatus {
  switch (snapshot.state) {
    case 'received':
    case 'validation-pending':
    case 'open-pending':
      return 'PendingNew';
    case 'open':
    case 'trigger-pending':
      return snapshot.filledQuantity > 0 ? 'PartiallyFilled' : 'New';
    case 'modify-validation-pending':
    case 'modify-pending':
      return 'PendingReplace';
    case 'modified':
      return 'Replaced';
    case 'cancel-pending':
      return 'PendingCancel';
    case 'complete':
      return 'Filled';
    case 'cancelled':
      return 'Cancelled';
    case 'rejected':
      return 'Rejected';
  }
}

const IST_OFFSET_MS = 330 * 60_000;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function istParts(date: Date) {
  const d = new Date(date.getTime() + IST_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    mi: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
    ms: pad(d.getUTCMilliseconds(), 3),
  };
}

/**
 * `2025-01-30T14:08:02.0921673`: IST, no offset, 7 fraction digits (.NET ticks). JS dates stop at
 * milliseconds, so the last four digits are derived from the instant to stay stable across calls.
 */
export function xtsDateTime(date: Date): string {
  const p = istParts(date);
  const ticks = pad(Math.abs(date.getTime() * 7919) % 10_000, 4);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.${p.ms}${ticks}`;
}

/** `2025-01-30T14:08:00+05:30`, the ExchangeTransactTime shape. */
export function xtsExchangeTime(date: Date): string {
  const p = istParts(date);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}+05:30`;
}

/** `30-01-2025 14:08:02`, the `*API` variants. */
export function xtsApiDateTime(date: Date): string {
  const p = istParts(date);
  return `${p.d}-${p.mo}-${p.y} ${p.h}:${p.mi}:${p.s}`;
}

export const XTS_EXPIRY_SENTINEL = '1980-01-01T00:00:00';
export const XTS_EXPIRY_SENTINEL_API = '01-01-1980 00:00:00';

export function round2(n: number): number {
  return Math.round((n + Number.EPSILON) * 100) / 100;
}

/** `2853.5` → `"2,853.50"`, `-1870` → `"-1,870.00"` (two decimals, comma thousands separators). */
export function xtsAmount(n: number): string {
  const fixed = Math.abs(round2(n)).toFixed(2);
  const [int = '0', frac = '00'] = fixed.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 && round2(n) !== 0 ? '-' : ''}${grouped}.${frac}`;
}

export interface XtsIdentity {
  userID: string;
  clientID: string;
}

export type XtsOrderRow = Record<string, string | number | boolean>;

/** Fields that decide whether two snapshots look different on the wire (used to collapse repeats). */
export function rowSignature(row: XtsOrderRow): string {
  return [
    row.OrderStatus,
    row.CumulativeQuantity,
    row.OrderQuantity,
    row.OrderPrice,
    row.OrderStopPrice,
    row.OrderType,
    row.TimeInForce,
  ].join('|');
}

/** One order row (order book, history, socket `order` event; MessageCode 9004). */
export function orderRow(
  order: SimOrder,
  snapshot: SimOrderSnapshot,
  who: XtsIdentity,
  sequenceNumber: number,
): XtsOrderRow {
  const filled = snapshot.filledQuantity;
  const exchangeAt = snapshot.exchangeAt ?? snapshot.at;
  const endState = snapshot.state === 'rejected' || snapshot.state === 'cancelled';
  return {
    LoginID: who.userID,
    ClientID: who.clientID,
    AppOrderID: Number(order.orderId),
    OrderReferenceID: '',
    GeneratedBy: 'TWSAPI',
    ExchangeOrderID: snapshot.exchangeOrderId ?? '',
    OrderCategoryType: 'NORMAL',
    ExchangeSegment: SEGMENT_BY_EXCHANGE[order.instrument.exchange],
    ExchangeInstrumentID: order.instrument.xtsId,
    OrderSide: order.side === 'BUY' ? 'Buy' : 'Sell',
    OrderType: WIRE_ORDER_TYPE[snapshot.orderType],
    ProductType: order.product,
    TimeInForce: order.validity,
    OrderPrice: snapshot.orderType === 'MARKET' || snapshot.orderType === 'SL-M' ? 0 : snapshot.price,
    OrderQuantity: snapshot.quantity,
    OrderStopPrice: snapshot.orderType === 'SL' || snapshot.orderType === 'SL-M' ? snapshot.triggerPrice : 0,
    OrderStatus: xtsStatus(snapshot),
    OrderAverageTradedPrice: filled > 0 ? xtsAmount(snapshot.averagePrice) : '',
    // Production keeps the unfilled rest here even after a cancel or reject (pitfall 13).
    LeavesQuantity: Math.max(snapshot.quantity - filled, 0),
    CumulativeQuantity: filled,
    OrderDisclosedQuantity: order.disclosedQuantity,
    OrderGeneratedDateTime: xtsDateTime(order.placedAt),
    ExchangeTransactTime: xtsExchangeTime(exchangeAt),
    LastUpdateDateTime: xtsDateTime(snapshot.at),
    OrderExpiryDate: XTS_EXPIRY_SENTINEL,
    CancelRejectReason: endState ? (snapshot.statusMessage ?? '') : '',
    OrderUniqueIdentifier: order.tag ?? '',
    OrderLegStatus: 'SingleOrderLeg',
    IsSpread: false,
    BoLegDetails: 0,
    BoEntryOrderId: '',
    OrderAverageTradedPriceAPI: filled > 0 ? round2(snapshot.averagePrice) : 'NaN',
    OrderSideAPI: order.side,
    OrderGeneratedDateTimeAPI: xtsApiDateTime(order.placedAt),
    ExchangeTransactTimeAPI: xtsApiDateTime(exchangeAt),
    LastUpdateDateTimeAPI: xtsApiDateTime(snapshot.at),
    OrderExpiryDateAPI: XTS_EXPIRY_SENTINEL_API,
    AlgoID: '',
    AlgoCategory: 0,
    MessageSynchronizeUniqueKey: who.clientID,
    MessageCode: 9004,
    MessageVersion: 4,
    TokenID: 0,
    ApplicationType: 146,
    SequenceNumber: sequenceNumber,
    TradingSymbol: order.instrument.xtsSymbol,
  };
}

/**
 * One execution (trade book row, socket `trade` event; MessageCode 9005). Cumulative figures are
 * computed from the order's executions up to this one, so the row is right whether the engine
 * reports the trade before or after the order snapshot that carries it.
 */
export function tradeRow(
  order: SimOrder,
  trade: SimTrade,
  who: XtsIdentity,
  sequenceNumber: number,
): XtsOrderRow {
  const upTo = order.trades.filter((t) => t.index <= trade.index);
  const executions = upTo.some((t) => t.tradeId === trade.tradeId) ? upTo : [...upTo, trade];
  const cumulative = executions.reduce((sum, t) => sum + t.quantity, 0);
  const value = executions.reduce((sum, t) => sum + t.quantity * t.price, 0);
  const average = cumulative > 0 ? value / cumulative : 0;
  const base =
    order.history.find((s) => s.filledQuantity === cumulative && s.filledQuantity > 0) ??
    order.history.at(-1) ??
    order;
  const quantity = base.quantity;
  const row = orderRow(order, base, who, sequenceNumber);
  return {
    ...row,
    OrderStatus: cumulative >= quantity ? 'Filled' : 'PartiallyFilled',
    OrderAverageTradedPrice: xtsAmount(average),
    OrderAverageTradedPriceAPI: round2(average),
    LeavesQuantity: Math.max(quantity - cumulative, 0),
    CumulativeQuantity: cumulative,
    ExchangeOrderID: trade.exchangeOrderId || row.ExchangeOrderID,
    ExchangeTransactTime: xtsExchangeTime(trade.time),
    ExchangeTransactTimeAPI: xtsApiDateTime(trade.time),
    LastUpdateDateTime: xtsDateTime(trade.time),
    LastUpdateDateTimeAPI: xtsApiDateTime(trade.time),
    CancelRejectReason: '',
    MessageCode: 9005,
    LastTradedPrice: trade.price,
    LastTradedQuantity: trade.quantity,
    LastExecutionTransactTime: xtsDateTime(trade.time),
    LastExecutionTransactTimeAPI: xtsApiDateTime(trade.time),
    ExecutionID: trade.tradeId,
    ExecutionReportIndex: trade.index,
  };
}

interface PositionFigures {
  buyAverage: number;
  sellAverage: number;
  netValue: number;
  realised: number;
  unrealised: number;
  mtm: number;
  bep: number;
}

function positionFigures(p: SimPosition): PositionFigures {
  const buyAverage = p.buyQuantity > 0 ? p.buyValue / p.buyQuantity : 0;
  const sellAverage = p.sellQuantity > 0 ? p.sellValue / p.sellQuantity : 0;
  const netValue = p.sellValue - p.buyValue;
  return {
    buyAverage,
    sellAverage,
    netValue,
    realised: p.realised,
    unrealised: p.unrealised,
    mtm: p.realised + p.unrealised,
    bep: p.netQuantity !== 0 ? -netValue / p.netQuantity : 0,
  };
}

export function positionUniqueKey(p: SimPosition): string {
  return `${SEGMENT_BY_EXCHANGE[p.instrument.exchange]}_${p.instrument.xtsId}_${p.product}`;
}

/** REST `positionList[]` row: amounts as strings with thousands separators, ids as strings. */
export function restPositionRow(p: SimPosition, who: XtsIdentity, sequenceNumber: number): XtsOrderRow {
  const f = positionFigures(p);
  const segment = SEGMENT_BY_EXCHANGE[p.instrument.exchange];
  return {
    AccountID: who.clientID,
    TradingSymbol: p.instrument.xtsSymbol,
    Exchange: segment,
    ExchangeSegment: segment,
    ExchangeInstrumentId: String(p.instrument.xtsId),
    ProductType: p.product,
    Marketlot: String(p.instrument.lotSize),
    Multiplier: '1',
    BuyAveragePrice: xtsAmount(f.buyAverage),
    SellAveragePrice: xtsAmount(f.sellAverage),
    OpenBuyQuantity: String(p.buyQuantity),
    OpenSellQuantity: String(p.sellQuantity),
    Quantity: String(p.netQuantity),
    BuyAmount: xtsAmount(p.buyValue),
    SellAmount: xtsAmount(p.sellValue),
    NetAmount: xtsAmount(f.netValue),
    UnrealizedMTM: xtsAmount(f.unrealised),
    RealizedMTM: xtsAmount(f.realised),
    MTM: xtsAmount(f.mtm),
    BEP: xtsAmount(f.bep),
    SumOfTradedQuantityAndPriceBuy: xtsAmount(p.buyValue),
    SumOfTradedQuantityAndPriceSell: xtsAmount(p.sellValue),
    UniqueKey: positionUniqueKey(p),
    MessageCode: 9002,
    MessageVersion: 1,
    TokenID: 0,
    ApplicationType: 0,
    SequenceNumber: sequenceNumber,
  };
}

/** Socket `position` event (9002): numbers stay numbers, NetPosition instead of Quantity. */
export function socketPositionRow(
  p: SimPosition,
  who: XtsIdentity,
  sequenceNumber: number,
): Record<string, string | number | boolean | unknown[]> {
  const f = positionFigures(p);
  return {
    LoginID: who.userID,
    AccountID: who.clientID,
    TradingSymbol: p.instrument.xtsSymbol,
    ExchangeSegment: SEGMENT_BY_EXCHANGE[p.instrument.exchange],
    ExchangeInstrumentID: String(p.instrument.xtsId),
    ProductType: p.product,
    Multiplier: 1,
    MarketLot: p.instrument.lotSize,
    BuyAveragePrice: round2(f.buyAverage),
    SellAveragePrice: round2(f.sellAverage),
    LongPosition: p.buyQuantity,
    ShortPosition: p.sellQuantity,
    NetPosition: p.netQuantity,
    BuyValue: round2(p.buyValue),
    SellValue: round2(p.sellValue),
    NetValue: round2(f.netValue),
    UnrealizedMTM: round2(f.unrealised),
    RealizedMTM: round2(f.realised),
    MTM: round2(f.mtm),
    BEP: round2(f.bep),
    SumOfTradedQuantityAndPriceBuy: round2(p.buyValue),
    SumOfTradedQuantityAndPriceSell: round2(p.sellValue),
    StatisticsLevel: 'ParentLevel',
    IsInterOpPosition: false,
    childPositions: [],
    MessageCode: 9002,
    MessageVersion: 1,
    TokenID: 0,
    ApplicationType: 0,
    SequenceNumber: sequenceNumber,
  };
}
