import { CanonicalOrderSchema, type CanonicalOrder, type Product } from '@fillwire/events';
import type {
  AccountRecord,
  HoldingRecord,
  OrderAck,
  PositionRecord,
  TickRecord,
  TradeRecord,
} from '../adapter.types';
import { describeIssues } from '../parsing/broker-fields';
import { parseIstTimeOfDay } from '../parsing/ist-time';
import { isRecord, safely } from '../parsing/safe';
import { fail, ok, type Result } from '../result';
import { isTerminal, mapKiteStatus } from '../status-bridge';
import {
  KiteEnvelopeSchema,
  KiteHoldingSchema,
  KiteMarginsSchema,
  KiteOrderAckSchema,
  KiteOrderSchema,
  KitePositionSchema,
  KitePositionsSchema,
  KiteProfileSchema,
  KiteQuoteMapSchema,
  KiteSessionSchema,
  KiteTradeSchema,
} from './kite.schema';

export interface KiteContext {
  /** The account this payload belongs to; when absent it is read from `user_id`/`account_id`/`placed_by`. */
  accountId?: string;
}

const ORDER_PRODUCTS = new Set<string>(['CNC', 'MIS', 'NRML', 'MTF']);

function accountOf(ctx: KiteContext, ...candidates: Array<string | null | undefined>): Result<string> {
  const found = ctx.accountId ?? candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  return found ? ok(found) : fail('accountId: not given and no user_id/account_id/placed_by in the payload');
}

/**
 * A Kite order (order book row, history entry, postback body or ticker `order` frame data) →
 * CanonicalOrder. Terminal orders have nothing pending (Kite leaves pending_quantity on CANCELLED).
 */
export function normalizeKiteOrder(raw: unknown, ctx: KiteContext = {}): Result<CanonicalOrder> {
  return safely('kite order', () => {
    const parsed = KiteOrderSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite order'));
    const o = parsed.data;
    const account = accountOf(ctx, o.user_id, o.account_id, o.placed_by);
    if (!account.ok) return fail(`kite order ${o.order_id}: ${account.error}`);
    if (!ORDER_PRODUCTS.has(o.product))
      return fail(`kite order ${o.order_id}: product: unsupported ${JSON.stringify(o.product)}`);
    const mapping = mapKiteStatus(o.status, { filledQuantity: o.filled_quantity, quantity: o.quantity });
    const order: CanonicalOrder = {
      broker: 'zerodha',
      accountId: account.value,
      brokerOrderId: o.order_id,
      exchangeOrderId: o.exchange_order_id,
      clientTag: o.tag,
      symbol: o.tradingsymbol,
      exchange: o.exchange,
      side: o.transaction_type,
      product: o.product as Product,
      orderType: o.order_type,
      quantity: o.quantity,
      price: o.price,
      triggerPrice: o.trigger_price,
      filledQuantity: o.filled_quantity,
      pendingQuantity: isTerminal(mapping.status) ? 0 : o.pending_quantity,
      averagePrice: o.average_price,
      status: mapping.status,
      statusMessage: o.status_message ?? o.status_message_raw,
      brokerStatus: o.status,
      brokerTimestamp: o.order_timestamp,
      exchangeTimestamp: o.exchange_update_timestamp ?? o.exchange_timestamp,
      ...(mapping.inFlight ? { inFlight: mapping.inFlight } : {}),
    };
    return checkCanonical(order, `kite order ${o.order_id}`);
  });
}

export function checkCanonical(order: CanonicalOrder, what: string): Result<CanonicalOrder> {
  const checked = CanonicalOrderSchema.safeParse(order);
  return checked.success ? ok(checked.data) : fail(describeIssues(checked.error, what));
}

/** A Kite trade row → TradeRecord; the time-only `order_timestamp` is not used for the fill time. */
export function normalizeKiteTrade(raw: unknown, ctx: KiteContext = {}): Result<TradeRecord> {
  return safely('kite trade', () => {
    const parsed = KiteTradeSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite trade'));
    const t = parsed.data;
    const account = accountOf(ctx);
    if (!account.ok) return fail(`kite trade ${t.trade_id}: ${account.error}`);
    let time = t.fill_timestamp ?? t.exchange_timestamp;
    if (time === null && typeof t.order_timestamp === 'string') {
      // Only the time of day is given; without a dated field the fill time stays unknown.
      const placed = parseIstTimeOfDay(t.order_timestamp, 'order_timestamp', null);
      time = placed.ok ? placed.value : null;
    }
    return ok({
      broker: 'zerodha',
      accountId: account.value,
      tradeId: t.trade_id,
      brokerOrderId: t.order_id,
      exchangeOrderId: t.exchange_order_id,
      clientTag: null,
      symbol: t.tradingsymbol,
      exchange: t.exchange,
      side: t.transaction_type,
      product: t.product,
      quantity: t.quantity,
      price: t.average_price,
      tradeTimestamp: time,
    });
  });
}

export function normalizeKitePosition(
  raw: unknown,
  scope: 'net' | 'day',
  ctx: KiteContext = {},
): Result<PositionRecord> {
  return safely('kite position', () => {
    const parsed = KitePositionSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite position'));
    const p = parsed.data;
    const account = accountOf(ctx);
    if (!account.ok) return fail(`kite position ${p.tradingsymbol}: ${account.error}`);
    return ok({
      broker: 'zerodha',
      accountId: account.value,
      symbol: p.tradingsymbol,
      exchange: p.exchange,
      instrumentId: p.instrument_token === null ? null : String(p.instrument_token),
      product: p.product,
      scope,
      netQuantity: p.quantity,
      buyQuantity: p.buy_quantity,
      sellQuantity: p.sell_quantity,
      buyAveragePrice: p.buy_price,
      sellAveragePrice: p.sell_price,
      buyValue: p.buy_value,
      sellValue: p.sell_value,
      averagePrice: p.average_price,
      lastPrice: p.last_price,
      realisedPnl: p.realised,
      unrealisedPnl: p.unrealised,
      multiplier: p.multiplier === 0 ? 1 : p.multiplier,
    });
  });
}

/** `{net:[...], day:[...]}` → all rows; the first bad row fails the whole book (it is one reply). */
export function normalizeKitePositions(raw: unknown, ctx: KiteContext = {}): Result<PositionRecord[]> {
  return safely('kite positions', () => {
    const parsed = KitePositionsSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite positions'));
    const out: PositionRecord[] = [];
    for (const scope of ['net', 'day'] as const) {
      for (const [i, row] of parsed.data[scope].entries()) {
        const r = normalizeKitePosition(row, scope, ctx);
        if (!r.ok) return fail(`${scope}[${i}]: ${r.error}`);
        out.push(r.value);
      }
    }
    return ok(out);
  });
}

export function normalizeKiteHolding(raw: unknown, ctx: KiteContext = {}): Result<HoldingRecord> {
  return safely('kite holding', () => {
    const parsed = KiteHoldingSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite holding'));
    const h = parsed.data;
    const account = accountOf(ctx);
    if (!account.ok) return fail(`kite holding ${h.tradingsymbol}: ${account.error}`);
    return ok({
      broker: 'zerodha',
      accountId: account.value,
      symbol: h.tradingsymbol,
      exchange: h.exchange,
      isin: h.isin,
      quantity: h.quantity + h.t1_quantity,
      averagePrice: h.average_price,
      lastPrice: h.last_price,
      pnl: h.pnl,
    });
  });
}

/** Profile (or session) and margins → AccountRecord. */
export function normalizeKiteAccount(
  profile: unknown,
  margins: unknown,
  ctx: KiteContext = {},
): Result<AccountRecord> {
  return safely('kite account', () => {
    let userId: string | undefined;
    let userName: string | null = null;
    if (profile !== undefined && profile !== null) {
      const p = KiteProfileSchema.safeParse(profile);
      if (!p.success) return fail(describeIssues(p.error, 'kite profile'));
      userId = p.data.user_id;
      userName = p.data.user_name;
    }
    const account = accountOf(ctx, userId);
    if (!account.ok) return fail(`kite account: ${account.error}`);
    const segments: AccountRecord['segments'] = [];
    if (margins !== undefined && margins !== null) {
      const m = KiteMarginsSchema.safeParse(margins);
      if (!m.success) return fail(describeIssues(m.error, 'kite margins'));
      for (const segment of ['equity', 'commodity'] as const) {
        const s = m.data[segment];
        if (s)
          segments.push({
            segment,
            net: s.net,
            availableCash: s.available.cash,
            utilised: s.utilised.debits,
          });
      }
    }
    return ok({ broker: 'zerodha', accountId: account.value, userName, segments });
  });
}

export interface KiteSession {
  userId: string;
  userName: string | null;
  accessToken: string;
  publicToken: string | null;
  loginTime: number | null;
}

export function normalizeKiteSession(raw: unknown): Result<KiteSession> {
  return safely('kite session', () => {
    const parsed = KiteSessionSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite session'));
    const s = parsed.data;
    return ok({
      userId: s.user_id,
      userName: s.user_name,
      accessToken: s.access_token,
      publicToken: s.public_token,
      loginTime: s.login_time,
    });
  });
}

/** Place/modify/cancel response data (incl. autoslice children) → OrderAck. */
export function normalizeKiteOrderAck(
  raw: unknown,
  ctx: { accountId: string; clientTag?: string | null },
): Result<OrderAck> {
  return safely('kite order response', () => {
    const parsed = KiteOrderAckSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite order response'));
    const ack: OrderAck = {
      broker: 'zerodha',
      accountId: ctx.accountId,
      brokerOrderId: parsed.data.order_id,
      clientTag: ctx.clientTag ?? null,
    };
    if (parsed.data.children) {
      ack.children = parsed.data.children.map((c) =>
        'order_id' in c
          ? { brokerOrderId: c.order_id }
          : { error: c.error.message, errorType: c.error.error_type },
      );
    }
    return ok(ack);
  });
}

/** GET /quote or /quote/ltp data → ticks. */
export function normalizeKiteQuotes(raw: unknown): Result<TickRecord[]> {
  return safely('kite quote', () => {
    const parsed = KiteQuoteMapSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite quote'));
    const ticks: TickRecord[] = [];
    for (const [key, q] of Object.entries(parsed.data)) {
      if (q.instrument_token === null || !Number.isSafeInteger(q.instrument_token)) {
        return fail(`kite quote ${key}: instrument_token: missing or not an integer`);
      }
      ticks.push({
        instrumentToken: q.instrument_token,
        lastPrice: q.last_price,
        exchangeTimestamp: q.timestamp,
      });
    }
    return ok(ticks);
  });
}

export type KiteEnvelope = { ok: true; data: unknown } | { ok: false; errorType: string; message: string };

/** A whole Kite reply body `{status, data}` / `{status:"error", message, error_type}`. */
export function parseKiteEnvelope(raw: unknown): Result<KiteEnvelope> {
  return safely('kite envelope', () => {
    if (!isRecord(raw)) return fail('kite envelope: expected a JSON object');
    const parsed = KiteEnvelopeSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'kite envelope'));
    const e = parsed.data;
    return ok(
      e.status === 'success'
        ? { ok: true, data: e.data }
        : { ok: false, errorType: e.error_type, message: e.message },
    );
  });
}
