import { createHash } from 'node:crypto';
import type {
  SimInstrument,
  SimOrder,
  SimOrderSnapshot,
  SimOrderState,
  SimPosition,
  SimTrade,
} from '../engine/engine.types';

const IST_OFFSET_MS = 330 * 60_000;

/** Kite's `yyyy-mm-dd hh:mm:ss` in IST without an offset, whatever the host's TZ. */
export function istTimestamp(date: Date | number): string {
  const ms = typeof date === 'number' ? date : date.getTime();
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

const istOrNull = (date: Date | null | undefined): string | null => (date ? istTimestamp(date) : null);

export const KITE_STATUS: Record<SimOrderState, string> = {
  received: 'PUT ORDER REQ RECEIVED',
  'validation-pending': 'VALIDATION PENDING',
  'open-pending': 'OPEN PENDING',
  open: 'OPEN',
  'trigger-pending': 'TRIGGER PENDING',
  'modify-validation-pending': 'MODIFY VALIDATION PENDING',
  'modify-pending': 'MODIFY PENDING',
  modified: 'MODIFIED',
  'cancel-pending': 'CANCEL PENDING',
  complete: 'COMPLETE',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
};

/** sha256(order_id + order_timestamp + api_secret), lowercase hex (brokers.md §1.9). */
export function postbackChecksum(orderId: string, orderTimestamp: string, apiSecret: string): string {
  return createHash('sha256')
    .update(orderId + orderTimestamp + apiSecret)
    .digest('hex');
}

/** sha256(api_key + request_token + api_secret), lowercase hex (brokers.md §1.2). */
export function sessionChecksum(apiKey: string, requestToken: string, apiSecret: string): string {
  return createHash('sha256')
    .update(apiKey + requestToken + apiSecret)
    .digest('hex');
}

const guidOf = (orderId: string): string =>
  createHash('sha256').update(`guid:${orderId}`).digest('base64url').slice(0, 15);

/** Kite keeps the unfilled rest in pending_quantity on a cancelled row (see orders.json). */
function pendingOnWire(snapshot: SimOrderSnapshot): number {
  return snapshot.state === 'cancelled'
    ? snapshot.quantity - snapshot.filledQuantity
    : snapshot.pendingQuantity;
}

/**
 * One order-book row, key set and order as the newest rows of fixtures/kite/orders.json
 * (terminal_id left out: it is not in the documented field list).
 */
export function kiteOrderRow(order: SimOrder, snapshot: SimOrderSnapshot = order) {
  return {
    account_id: order.userId,
    placed_by: order.userId,
    order_id: order.orderId,
    exchange_order_id: snapshot.exchangeOrderId,
    parent_order_id: null,
    status: KITE_STATUS[snapshot.state],
    status_message: snapshot.statusMessage,
    status_message_raw: snapshot.statusMessageRaw,
    order_timestamp: istTimestamp(snapshot.orderTimestamp ?? order.placedAt),
    exchange_update_timestamp: snapshot.exchangeAt ? istTimestamp(snapshot.at) : null,
    exchange_timestamp: istOrNull(snapshot.exchangeAt),
    variety: order.variety,
    modified: snapshot.modified,
    exchange: order.instrument.exchange,
    tradingsymbol: order.instrument.tradingsymbol,
    instrument_token: order.instrument.kiteToken,
    order_type: snapshot.orderType,
    transaction_type: order.side,
    validity: order.validity,
    validity_ttl: 0,
    product: order.product,
    quantity: snapshot.quantity,
    disclosed_quantity: order.disclosedQuantity,
    price: snapshot.price,
    trigger_price: snapshot.triggerPrice,
    average_price: snapshot.averagePrice,
    filled_quantity: snapshot.filledQuantity,
    pending_quantity: pendingOnWire(snapshot),
    cancelled_quantity: snapshot.cancelledQuantity,
    market_protection: 0,
    meta: {},
    tag: order.tag,
    tags: order.tag ? [order.tag] : [],
    guid: guidOf(order.orderId),
  };
}

export type KiteOrderRow = ReturnType<typeof kiteOrderRow>;

/** The postback / WebSocket order payload: exactly the fields of brokers.md §1.9. */
export function kitePostbackPayload(
  order: SimOrder,
  snapshot: SimOrderSnapshot,
  options: { status: string; appId: number; checksum: string },
) {
  const row = kiteOrderRow(order, snapshot);
  return {
    user_id: order.userId,
    unfilled_quantity: snapshot.state === 'complete' ? 0 : snapshot.quantity - snapshot.filledQuantity,
    app_id: options.appId,
    checksum: options.checksum,
    placed_by: row.placed_by,
    order_id: row.order_id,
    exchange_order_id: row.exchange_order_id,
    parent_order_id: row.parent_order_id,
    status: options.status,
    status_message: row.status_message,
    status_message_raw: row.status_message_raw,
    order_timestamp: row.order_timestamp,
    exchange_update_timestamp: row.exchange_update_timestamp,
    exchange_timestamp: row.exchange_timestamp,
    variety: row.variety,
    exchange: row.exchange,
    tradingsymbol: row.tradingsymbol,
    instrument_token: row.instrument_token,
    order_type: row.order_type,
    transaction_type: row.transaction_type,
    validity: row.validity,
    product: row.product,
    quantity: row.quantity,
    disclosed_quantity: row.disclosed_quantity,
    price: row.price,
    trigger_price: row.trigger_price,
    average_price: row.average_price,
    filled_quantity: row.filled_quantity,
    pending_quantity: row.pending_quantity,
    cancelled_quantity: row.cancelled_quantity,
    market_protection: row.market_protection,
    meta: row.meta,
    tag: row.tag,
    guid: row.guid,
  };
}

export type KitePostbackPayload = ReturnType<typeof kitePostbackPayload>;

/** A trade row as fixtures/kite/order_trades.json; order_timestamp is time-only there. */
export function kiteTradeRow(order: SimOrder, trade: SimTrade) {
  const placed = istTimestamp(order.placedAt);
  return {
    trade_id: trade.tradeId,
    order_id: order.orderId,
    exchange: order.instrument.exchange,
    tradingsymbol: order.instrument.tradingsymbol,
    instrument_token: order.instrument.kiteToken,
    product: order.product,
    average_price: trade.price,
    quantity: trade.quantity,
    exchange_order_id: trade.exchangeOrderId,
    transaction_type: order.side,
    fill_timestamp: istTimestamp(trade.time),
    order_timestamp: placed.slice(11),
    exchange_timestamp: istTimestamp(trade.time),
  };
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** A position row as fixtures/kite/positions.json. The simulator has no overnight book: net = day. */
export function kitePositionRow(p: SimPosition) {
  const buyPrice = p.buyQuantity > 0 ? round2(p.buyValue / p.buyQuantity) : 0;
  const sellPrice = p.sellQuantity > 0 ? round2(p.sellValue / p.sellQuantity) : 0;
  const value = round2(p.sellValue - p.buyValue);
  const pnl = round2(value + p.netQuantity * p.lastPrice);
  return {
    tradingsymbol: p.instrument.tradingsymbol,
    exchange: p.instrument.exchange,
    instrument_token: p.instrument.kiteToken,
    product: p.product,
    quantity: p.netQuantity,
    overnight_quantity: 0,
    multiplier: 1,
    average_price: round2(p.averagePrice),
    close_price: p.instrument.basePrice,
    last_price: p.lastPrice,
    value,
    pnl,
    m2m: pnl,
    unrealised: p.unrealised,
    realised: p.realised,
    buy_quantity: p.buyQuantity,
    buy_price: buyPrice,
    buy_value: round2(p.buyValue),
    buy_m2m: round2(p.buyValue),
    sell_quantity: p.sellQuantity,
    sell_price: sellPrice,
    sell_value: round2(p.sellValue),
    sell_m2m: round2(p.sellValue),
    day_buy_quantity: p.buyQuantity,
    day_buy_price: buyPrice,
    day_buy_value: round2(p.buyValue),
    day_sell_quantity: p.sellQuantity,
    day_sell_price: sellPrice,
    day_sell_value: round2(p.sellValue),
  };
}

const INSTRUMENT_HEADER =
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange';

const csvText = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * Kite's instrument master (`GET /instruments`) for the simulator's instruments, in Kite's columns
 * and order. Kite quotes names; indices have segment INDICES with tick and lot 0; options name
 * their underlying. last_price is the day's starting price (Kite's dump is made once a day too).
 */
export function kiteInstrumentsCsv(instruments: readonly SimInstrument[]): string {
  const rows = instruments.map((i) => {
    const index = i.kind === 'index';
    const option = i.kind === 'index-option';
    return [
      i.kiteToken,
      Math.floor(i.kiteToken / 256),
      i.tradingsymbol,
      csvText(i.underlying ?? i.tradingsymbol),
      i.basePrice,
      i.expiry ?? '',
      i.strike ?? 0,
      index ? 0 : i.tickSize,
      index ? 0 : i.lotSize,
      i.optionType ?? 'EQ',
      index ? 'INDICES' : option ? `${i.exchange}-OPT` : i.exchange,
      i.exchange,
    ].join(',');
  });
  // No newline after the last row: kiteconnect's parser would turn one into an empty instrument.
  return [INSTRUMENT_HEADER, ...rows].join('\n');
}
