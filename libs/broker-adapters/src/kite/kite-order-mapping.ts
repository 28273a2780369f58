import type { ModifyOrderRequest, PlaceOrderRequest } from '../adapter.types';
import { validateModifyRequest, validatePlaceRequest } from '../order-request.schema';
import { ok, type Result } from '../result';

/** Form params of `POST /orders/:variety`, as kiteconnect's placeOrder takes them. */
export interface KitePlaceParams {
  exchange: string;
  tradingsymbol: string;
  transaction_type: 'BUY' | 'SELL';
  quantity: number;
  product: string;
  order_type: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  validity: 'DAY' | 'IOC';
  price?: number;
  trigger_price?: number;
  disclosed_quantity?: number;
  tag?: string;
}

export interface KiteModifyParams {
  order_type?: 'MARKET' | 'LIMIT' | 'SL' | 'SL-M';
  quantity?: number;
  price?: number;
  trigger_price?: number;
  disclosed_quantity?: number;
  validity?: 'DAY' | 'IOC';
}

/** Every order we place is `regular` (AMO/iceberg/CO are not offered by our API). */
export const KITE_VARIETY = 'regular';

/** Our place request → Kite params. Prices are sent only where the order type uses them. */
export function toKitePlaceParams(
  input: PlaceOrderRequest,
): Result<{ variety: typeof KITE_VARIETY; params: KitePlaceParams }> {
  const checked = validatePlaceRequest(input);
  if (!checked.ok) return checked;
  const r = checked.value;
  const params: KitePlaceParams = {
    exchange: r.exchange,
    tradingsymbol: r.symbol,
    transaction_type: r.side,
    quantity: r.quantity,
    product: r.product,
    order_type: r.orderType,
    validity: r.validity ?? 'DAY',
  };
  if (r.orderType === 'LIMIT' || r.orderType === 'SL') params.price = r.price;
  if (r.orderType === 'SL' || r.orderType === 'SL-M') params.trigger_price = r.triggerPrice;
  if (r.disclosedQuantity) params.disclosed_quantity = r.disclosedQuantity;
  if (r.tag) params.tag = r.tag;
  return ok({ variety: KITE_VARIETY, params });
}

/** Our modification → Kite modify params (only the fields that change). */
export function toKiteModifyParams(
  input: ModifyOrderRequest,
): Result<{ variety: typeof KITE_VARIETY; orderId: string; params: KiteModifyParams }> {
  const checked = validateModifyRequest(input);
  if (!checked.ok) return checked;
  const r = checked.value;
  const params: KiteModifyParams = {};
  if (r.orderType !== undefined) params.order_type = r.orderType;
  if (r.quantity !== undefined) params.quantity = r.quantity;
  if (r.price !== undefined) params.price = r.price;
  if (r.triggerPrice !== undefined) params.trigger_price = r.triggerPrice;
  if (r.disclosedQuantity !== undefined) params.disclosed_quantity = r.disclosedQuantity;
  if (r.validity !== undefined) params.validity = r.validity;
  return ok({ variety: KITE_VARIETY, orderId: r.brokerOrderId, params });
}
