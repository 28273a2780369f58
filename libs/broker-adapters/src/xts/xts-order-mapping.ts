import type { CanonicalOrder, OrderType } from '@fillwire/events';
import type { InstrumentResolver, ModifyOrderRequest, PlaceOrderRequest, Validity } from '../adapter.types';
import { XTS_SEGMENTS } from '../parsing/broker-fields';
import { validateModifyRequest, validatePlaceRequest } from '../order-request.schema';
import { fail, ok, type Result } from '../result';

/** Request-side XTS order types are upper case (responses answer `Limit`, `StopMarket`...). */
const XTS_ORDER_TYPES: Readonly<Record<OrderType, string>> = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  SL: 'STOPLIMIT',
  'SL-M': 'STOPMARKET',
};

/** POST /interactive/orders body (brokers.md §2.4). */
export interface XtsPlaceBody {
  exchangeSegment: string;
  exchangeInstrumentID: number;
  productType: string;
  orderType: string;
  orderSide: 'BUY' | 'SELL';
  timeInForce: Validity;
  disclosedQuantity: number;
  orderQuantity: number;
  limitPrice: number;
  stopPrice: number;
  orderUniqueIdentifier: string;
  clientID?: string;
}

/** PUT /interactive/orders body: XTS wants every field, so unchanged ones come from the current order. */
export interface XtsModifyBody {
  appOrderID: number;
  modifiedProductType: string;
  modifiedOrderType: string;
  modifiedOrderQuantity: number;
  modifiedDisclosedQuantity: number;
  modifiedLimitPrice: number;
  modifiedStopPrice: number;
  modifiedTimeInForce: Validity;
  orderUniqueIdentifier: string;
  clientID?: string;
}

/** AppOrderID is an int on the wire (≤ 10 digits); our ids are strings. */
export function toAppOrderId(brokerOrderId: string): Result<number> {
  const n = Number(brokerOrderId);
  return /^\d{1,15}$/.test(brokerOrderId) && Number.isSafeInteger(n)
    ? ok(n)
    : fail(`brokerOrderId: ${JSON.stringify(brokerOrderId)} is not an XTS AppOrderID`);
}

export function toXtsPlaceBody(
  input: PlaceOrderRequest,
  instruments: Pick<InstrumentResolver, 'toXtsInstrumentId'>,
  clientID?: string,
): Result<XtsPlaceBody> {
  const checked = validatePlaceRequest(input);
  if (!checked.ok) return checked;
  const r = checked.value;
  const id = instruments.toXtsInstrumentId(r.exchange, r.symbol);
  if (id === undefined) return fail(`order: symbol: no XTS instrument for ${r.exchange}:${r.symbol}`);
  const usesPrice = r.orderType === 'LIMIT' || r.orderType === 'SL';
  const usesTrigger = r.orderType === 'SL' || r.orderType === 'SL-M';
  return ok({
    exchangeSegment: XTS_SEGMENTS[r.exchange],
    exchangeInstrumentID: id,
    productType: r.product,
    orderType: XTS_ORDER_TYPES[r.orderType],
    orderSide: r.side,
    timeInForce: r.validity ?? 'DAY',
    disclosedQuantity: r.disclosedQuantity ?? 0,
    orderQuantity: r.quantity,
    limitPrice: usesPrice ? (r.price ?? 0) : 0,
    stopPrice: usesTrigger ? (r.triggerPrice ?? 0) : 0,
    orderUniqueIdentifier: r.tag ?? '',
    ...(clientID ? { clientID } : {}),
  });
}

export function toXtsModifyBody(
  input: ModifyOrderRequest,
  current: Pick<
    CanonicalOrder,
    'product' | 'orderType' | 'quantity' | 'price' | 'triggerPrice' | 'clientTag'
  >,
  clientID?: string,
): Result<XtsModifyBody> {
  const checked = validateModifyRequest(input);
  if (!checked.ok) return checked;
  const r = checked.value;
  const appOrderID = toAppOrderId(r.brokerOrderId);
  if (!appOrderID.ok) return appOrderID;
  const orderType = r.orderType ?? current.orderType;
  const usesPrice = orderType === 'LIMIT' || orderType === 'SL';
  const usesTrigger = orderType === 'SL' || orderType === 'SL-M';
  return ok({
    appOrderID: appOrderID.value,
    modifiedProductType: current.product,
    modifiedOrderType: XTS_ORDER_TYPES[orderType],
    modifiedOrderQuantity: r.quantity ?? current.quantity,
    modifiedDisclosedQuantity: r.disclosedQuantity ?? 0,
    modifiedLimitPrice: usesPrice ? (r.price ?? current.price) : 0,
    modifiedStopPrice: usesTrigger ? (r.triggerPrice ?? current.triggerPrice) : 0,
    modifiedTimeInForce: r.validity ?? 'DAY',
    orderUniqueIdentifier: current.clientTag ?? '',
    ...(clientID ? { clientID } : {}),
  });
}

/** DELETE /interactive/orders query. */
export function toXtsCancelQuery(
  brokerOrderId: string,
  clientTag: string | null,
  clientID?: string,
): Result<{ appOrderID: number; orderUniqueIdentifier: string; clientID?: string }> {
  const appOrderID = toAppOrderId(brokerOrderId);
  if (!appOrderID.ok) return appOrderID;
  return ok({
    appOrderID: appOrderID.value,
    orderUniqueIdentifier: clientTag ?? '',
    ...(clientID ? { clientID } : {}),
  });
}
