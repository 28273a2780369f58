import type { CanonicalOrder, Exchange, Product } from '@fillwire/events';
import type { InstrumentResolver, OrderAck, PositionRecord, TradeRecord } from '../adapter.types';
import { checkCanonical } from '../kite/kite-normalize';
import { describeIssues } from '../parsing/broker-fields';
import { isRecord, parseJson, safely } from '../parsing/safe';
import { fail, ok, type Result } from '../result';
import { isTerminal, mapXtsStatus } from '../status-bridge';
import {
  XtsEnvelopeSchema,
  XtsLoginResultSchema,
  XtsOrderAckSchema,
  XtsOrderSchema,
  XtsPositionSchema,
  XtsPositionsResultSchema,
  XtsTradeSchema,
} from './xts.schema';

export interface XtsContext {
  /** The account; when absent it is read from ClientID/AccountID/LoginID. */
  accountId?: string;
  /** Maps ExchangeInstrumentID to our symbol; else the payload's TradingSymbol, else the id itself. */
  instruments?: Pick<InstrumentResolver, 'fromXtsInstrumentId'>;
}

const ORDER_PRODUCTS = new Set<string>(['CNC', 'MIS', 'NRML', 'MTF']);

function accountOf(ctx: XtsContext, ...candidates: Array<string | null | undefined>): Result<string> {
  const found = ctx.accountId ?? candidates.find((c): c is string => typeof c === 'string' && c.length > 0);
  return found ? ok(found) : fail('accountId: not given and no ClientID/AccountID/LoginID in the payload');
}

function symbolOf(
  ctx: XtsContext,
  exchange: Exchange,
  instrumentId: string | null,
  tradingSymbol: string | null,
): string | null {
  const id = instrumentId === null ? NaN : Number(instrumentId);
  const resolved = Number.isSafeInteger(id) ? ctx.instruments?.fromXtsInstrumentId(exchange, id) : undefined;
  return resolved ?? tradingSymbol ?? instrumentId;
}

/** Socket payloads are JSON strings (brokers.md §2.9); REST rows are objects. Both are accepted. */
function unwrap(raw: unknown, what: string): Result<unknown> {
  const parsed = parseJson(raw, what);
  if (!parsed.ok) return parsed;
  return isRecord(parsed.value) ? parsed : fail(`${what}: expected a JSON object`);
}

/**
 * XTS order (book row, history entry, socket `order` event) → CanonicalOrder. Quantities follow
 * OrderQuantity and CumulativeQuantity, the pair status and fills are read from: LeavesQuantity is
 * not zeroed on Cancelled/Rejected and can disagree with them (the docs' order book sample: 1 left
 * of 15 with none traded), and an order with nothing traded has no average price whatever
 * OrderAverageTradedPrice says (250.40 in that sample). AppOrderID becomes a string.
 */
export function normalizeXtsOrder(raw: unknown, ctx: XtsContext = {}): Result<CanonicalOrder> {
  return safely('xts order', () => {
    const body = unwrap(raw, 'xts order');
    if (!body.ok) return body;
    const parsed = XtsOrderSchema.safeParse(body.value);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts order'));
    const o = parsed.data;
    const what = `xts order ${o.AppOrderID}`;
    const account = accountOf(ctx, o.ClientID, o.LoginID);
    if (!account.ok) return fail(`${what}: ${account.error}`);
    if (!ORDER_PRODUCTS.has(o.ProductType))
      return fail(`${what}: ProductType: unsupported ${JSON.stringify(o.ProductType)}`);
    const symbol = symbolOf(ctx, o.ExchangeSegment, o.ExchangeInstrumentID, o.TradingSymbol);
    if (symbol === null) return fail(`${what}: no symbol`);
    const reported = o.OrderAverageTradedPrice ?? o.OrderAverageTradedPriceAPI ?? 0;
    if (reported < 0) return fail(`${what}: OrderAverageTradedPrice: negative ${reported}`);
    const average = o.CumulativeQuantity > 0 ? reported : 0;
    const mapping = mapXtsStatus(o.OrderStatus, {
      cumulativeQuantity: o.CumulativeQuantity,
      orderQuantity: o.OrderQuantity,
    });
    const order: CanonicalOrder = {
      broker: 'jainam',
      accountId: account.value,
      brokerOrderId: o.AppOrderID,
      exchangeOrderId: o.ExchangeOrderID,
      clientTag: o.OrderUniqueIdentifier,
      symbol,
      exchange: o.ExchangeSegment,
      side: o.OrderSide,
      product: o.ProductType as Product,
      orderType: o.OrderType,
      quantity: o.OrderQuantity,
      price: o.OrderPrice,
      triggerPrice: o.OrderStopPrice,
      filledQuantity: o.CumulativeQuantity,
      pendingQuantity: isTerminal(mapping.status) ? 0 : Math.max(0, o.OrderQuantity - o.CumulativeQuantity),
      averagePrice: average,
      status: mapping.status,
      statusMessage: o.CancelRejectReason,
      brokerStatus: String(o.OrderStatus),
      brokerTimestamp: o.LastUpdateDateTime ?? o.OrderGeneratedDateTime,
      // XTS stamps ExchangeTransactTime before the exchange has the order; "" ExchangeOrderID says it has not.
      exchangeTimestamp: o.ExchangeOrderID === null ? null : o.ExchangeTransactTime,
      ...(mapping.inFlight ? { inFlight: mapping.inFlight } : {}),
    };
    return checkCanonical(order, what);
  });
}

/** XTS trade (socket `trade` 9005 / trade book row) → TradeRecord keyed by ExecutionID. */
export function normalizeXtsTrade(raw: unknown, ctx: XtsContext = {}): Result<TradeRecord> {
  return safely('xts trade', () => {
    const body = unwrap(raw, 'xts trade');
    if (!body.ok) return body;
    const parsed = XtsTradeSchema.safeParse(body.value);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts trade'));
    const t = parsed.data;
    const what = `xts trade ${t.ExecutionID}`;
    const record = body.value as Record<string, unknown>;
    const account = accountOf(
      ctx,
      typeof record.ClientID === 'string' ? record.ClientID : null,
      typeof record.LoginID === 'string' ? record.LoginID : null,
    );
    if (!account.ok) return fail(`${what}: ${account.error}`);
    const symbol = symbolOf(ctx, t.ExchangeSegment, t.ExchangeInstrumentID, t.TradingSymbol);
    if (symbol === null) return fail(`${what}: no symbol`);
    return ok({
      broker: 'jainam',
      accountId: account.value,
      tradeId: t.ExecutionID,
      brokerOrderId: t.AppOrderID,
      exchangeOrderId: t.ExchangeOrderID,
      clientTag: t.OrderUniqueIdentifier,
      symbol,
      exchange: t.ExchangeSegment,
      side: t.OrderSide,
      product: t.ProductType,
      quantity: t.LastTradedQuantity,
      price: t.LastTradedPrice,
      tradeTimestamp: t.LastExecutionTransactTime ?? t.ExchangeTransactTime ?? t.LastUpdateDateTime,
    });
  });
}

/** XTS position (socket 9002 or REST positionList row) → PositionRecord. */
export function normalizeXtsPosition(
  raw: unknown,
  ctx: XtsContext & { scope?: 'net' | 'day' } = {},
): Result<PositionRecord> {
  return safely('xts position', () => {
    const body = unwrap(raw, 'xts position');
    if (!body.ok) return body;
    const parsed = XtsPositionSchema.safeParse(body.value);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts position'));
    const p = parsed.data;
    const exchange = p.ExchangeSegment ?? p.Exchange;
    if (!exchange) return fail('xts position: ExchangeSegment: missing (nor Exchange)');
    const instrumentId = p.ExchangeInstrumentID ?? p.ExchangeInstrumentId;
    const what = `xts position ${exchange}:${instrumentId ?? p.TradingSymbol ?? '?'}`;
    const account = accountOf(ctx, p.AccountID, p.ClientID, p.LoginID);
    if (!account.ok) return fail(`${what}: ${account.error}`);
    const symbol = symbolOf(ctx, exchange, instrumentId, p.TradingSymbol);
    if (symbol === null) return fail(`${what}: no symbol (TradingSymbol or ExchangeInstrumentID)`);
    const buyQuantity = p.LongPosition ?? p.OpenBuyQuantity ?? 0;
    const sellQuantity = p.ShortPosition ?? p.OpenSellQuantity ?? 0;
    return ok({
      broker: 'jainam',
      accountId: account.value,
      symbol,
      exchange,
      instrumentId,
      product: p.ProductType,
      scope: ctx.scope ?? 'net',
      netQuantity: p.NetPosition ?? p.Quantity ?? buyQuantity - sellQuantity,
      buyQuantity,
      sellQuantity,
      buyAveragePrice: p.BuyAveragePrice,
      sellAveragePrice: p.SellAveragePrice,
      buyValue: p.BuyValue ?? p.BuyAmount ?? 0,
      sellValue: p.SellValue ?? p.SellAmount ?? 0,
      averagePrice: null,
      lastPrice: null,
      realisedPnl: p.RealizedMTM,
      unrealisedPnl: p.UnrealizedMTM,
      multiplier: p.Multiplier && p.Multiplier > 0 ? p.Multiplier : 1,
    });
  });
}

/** `result` of GET /portfolio/positions: `{positionList:[...]}` (or a bare array on some servers). */
export function normalizeXtsPositions(
  result: unknown,
  ctx: XtsContext & { scope?: 'net' | 'day' } = {},
): Result<PositionRecord[]> {
  return safely('xts positions', () => {
    const parsed = XtsPositionsResultSchema.safeParse(result);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts positions'));
    const rows = Array.isArray(parsed.data) ? parsed.data : parsed.data.positionList;
    const out: PositionRecord[] = [];
    for (const [i, row] of rows.entries()) {
      const r = normalizeXtsPosition(row, ctx);
      if (!r.ok) return fail(`positionList[${i}]: ${r.error}`);
      out.push(r.value);
    }
    return ok(out);
  });
}

/** Place/modify `result` (object) or cancel `result` (object or one-element array) → OrderAck. */
export function normalizeXtsOrderAck(
  result: unknown,
  ctx: { accountId: string; clientTag?: string | null },
): Result<OrderAck> {
  return safely('xts order response', () => {
    const row: unknown = Array.isArray(result) ? (result as unknown[])[0] : result;
    const parsed = XtsOrderAckSchema.safeParse(row);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts order response'));
    return ok({
      broker: 'jainam',
      accountId: ctx.accountId,
      brokerOrderId: parsed.data.AppOrderID,
      clientTag: parsed.data.OrderUniqueIdentifier ?? ctx.clientTag ?? null,
    });
  });
}

export type XtsEnvelope =
  | { ok: true; code: string; description: string; result: unknown }
  | { ok: false; code: string; description: string; result: unknown };

/** `{type, code, description, result}`: branch on `type`, never on the HTTP status (§7.9). */
export function parseXtsEnvelope(raw: unknown): Result<XtsEnvelope> {
  return safely('xts envelope', () => {
    const body = unwrap(raw, 'xts envelope');
    if (!body.ok) return body;
    const parsed = XtsEnvelopeSchema.safeParse(body.value);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts envelope'));
    const e = parsed.data;
    const isSuccess = e.type.toLowerCase() === 'success';
    return ok({ ok: isSuccess, code: e.code, description: e.description, result: e.result });
  });
}

export interface XtsSession {
  token: string;
  userID: string | null;
  isInvestorClient: boolean;
  clientCodes: string[];
}

export function normalizeXtsLogin(result: unknown): Result<XtsSession> {
  return safely('xts login', () => {
    const parsed = XtsLoginResultSchema.safeParse(result);
    if (!parsed.success) return fail(describeIssues(parsed.error, 'xts login'));
    const r = parsed.data;
    return ok({
      token: r.token,
      userID: r.userID ?? null,
      isInvestorClient: r.isInvestorClient,
      clientCodes: r.clientCodes,
    });
  });
}
