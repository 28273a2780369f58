import { z } from 'zod';
import {
  zAmount,
  zExchange,
  zId,
  zLenientNumber,
  zLenientText,
  zNullableNumber,
  zOptionalId,
  zOrderType,
  zPrice,
  zProductCode,
  zQuantity,
  zRequiredQuantity,
  zSide,
  zTimestamp,
} from '../parsing/broker-fields';

/**
 * Kite Connect v3 payloads we read (brokers.md §1.7, §1.9). Ids stay strings (19 digits exceed
 * 2^53). Fields we only pass along are lenient (`.catch(null)`): a surprising `guid` must not lose
 * an order update; fields we act on are strict and named in the error.
 */

/** Text that may reach us as raw text or, from kiteconnect, as something else; kept only if text. */
const statusText = z.string().trim().min(1, 'empty status').max(64);

/** Timestamps may be Kite strings or Dates made by kiteconnect (see parseBrokerTimestamp). */
const timestamp = zTimestamp;

/** One order: a GET /orders row, a GET /orders/:id history entry, a postback body or a ticker `order` frame. */
export const KiteOrderSchema = z.object({
  order_id: zId,
  exchange_order_id: zOptionalId.catch(null),
  parent_order_id: zOptionalId.catch(null),
  placed_by: zLenientText,
  account_id: zLenientText,
  user_id: zLenientText,
  status: statusText,
  status_message: zLenientText,
  status_message_raw: zLenientText,
  order_timestamp: timestamp,
  exchange_update_timestamp: timestamp,
  exchange_timestamp: timestamp,
  variety: zLenientText,
  modified: z.boolean().nullish().catch(null),
  exchange: zExchange,
  tradingsymbol: z.string().trim().min(1, 'empty tradingsymbol').max(64),
  instrument_token: zLenientNumber,
  order_type: zOrderType,
  transaction_type: zSide,
  validity: zLenientText,
  validity_ttl: zLenientNumber,
  product: zProductCode,
  quantity: zRequiredQuantity,
  disclosed_quantity: zQuantity.catch(0),
  price: zPrice,
  trigger_price: zPrice,
  average_price: zPrice,
  filled_quantity: zQuantity,
  pending_quantity: zQuantity,
  cancelled_quantity: zQuantity,
  unfilled_quantity: zQuantity.catch(0),
  market_protection: zLenientNumber,
  meta: z.unknown().optional(),
  tag: zLenientText,
  tags: z.array(z.string()).nullish().catch(null),
  guid: zLenientText,
  auction_number: zLenientText,
  app_id: zLenientNumber,
  checksum: zLenientText,
});
export type KiteOrder = z.infer<typeof KiteOrderSchema>;

/** GET /trades and GET /orders/:id/trades row. `order_timestamp` is time only ("09:16:39"). */
export const KiteTradeSchema = z.object({
  trade_id: zId,
  order_id: zId,
  exchange_order_id: zOptionalId.catch(null),
  exchange: zExchange,
  tradingsymbol: z.string().trim().min(1, 'empty tradingsymbol').max(64),
  instrument_token: zLenientNumber,
  product: zProductCode,
  average_price: zPrice,
  quantity: zQuantity,
  transaction_type: zSide,
  fill_timestamp: timestamp,
  exchange_timestamp: timestamp,
  order_timestamp: z.union([z.string(), z.date()]).nullish().catch(null),
});
export type KiteTrade = z.infer<typeof KiteTradeSchema>;

/** GET /portfolio/positions row (in `net` and `day`). */
export const KitePositionSchema = z.object({
  tradingsymbol: z.string().trim().min(1, 'empty tradingsymbol').max(64),
  exchange: zExchange,
  instrument_token: zLenientNumber,
  product: zProductCode,
  quantity: zAmount,
  overnight_quantity: zAmount,
  multiplier: zAmount,
  average_price: zAmount,
  close_price: zAmount,
  last_price: zAmount,
  value: zAmount,
  pnl: zAmount,
  m2m: zAmount,
  unrealised: zAmount,
  realised: zAmount,
  buy_quantity: zAmount,
  buy_price: zAmount,
  buy_value: zAmount,
  sell_quantity: zAmount,
  sell_price: zAmount,
  sell_value: zAmount,
  day_buy_quantity: zAmount,
  day_sell_quantity: zAmount,
});
export type KitePosition = z.infer<typeof KitePositionSchema>;

export const KitePositionsSchema = z.object({
  net: z.array(z.unknown()),
  day: z.array(z.unknown()),
});

/** GET /portfolio/holdings row. */
export const KiteHoldingSchema = z.object({
  tradingsymbol: z.string().trim().min(1).max(64),
  exchange: zExchange,
  instrument_token: zLenientNumber,
  isin: zLenientText,
  product: zProductCode,
  quantity: zAmount,
  t1_quantity: zAmount,
  average_price: zAmount,
  last_price: zAmount,
  pnl: zAmount,
});
export type KiteHolding = z.infer<typeof KiteHoldingSchema>;

/** `{status, data}` success and `{status:"error", message, error_type}` failure. */
export const KiteEnvelopeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('success'), data: z.unknown().optional() }),
  z.object({
    status: z.literal('error'),
    message: z.string().catch('(no message)'),
    error_type: z.string().catch('GeneralException'),
    data: z.unknown().optional(),
  }),
]);

/** The shape kiteconnect rejects (or, for non-JSON replies, resolves) with. */
export const KiteClientErrorSchema = z.object({
  error_type: z.string().min(1),
  message: z.unknown().optional(),
});

/** POST/PUT/DELETE /orders response data, including autoslice's `children`. */
export const KiteOrderAckSchema = z.object({
  order_id: zId,
  children: z
    .array(
      z.union([
        z.object({ order_id: zId }),
        z.object({
          error: z.object({
            code: zLenientNumber,
            error_type: z.string().catch('GeneralException'),
            message: z.string().catch('(no message)'),
          }),
        }),
      ]),
    )
    .optional(),
});

/** POST /session/token data. */
export const KiteSessionSchema = z.object({
  user_id: z.string().min(1),
  user_name: zLenientText,
  user_shortname: zLenientText,
  email: zLenientText,
  broker: zLenientText,
  api_key: zLenientText,
  access_token: z.string().min(1),
  public_token: zLenientText,
  refresh_token: zLenientText,
  enctoken: zLenientText,
  login_time: timestamp.catch(null),
  exchanges: z.array(z.string()).catch([]),
  products: z.array(z.string()).catch([]),
  order_types: z.array(z.string()).catch([]),
});

/** GET /user/profile data. */
export const KiteProfileSchema = z.object({
  user_id: z.string().min(1),
  user_name: zLenientText,
  email: zLenientText,
  broker: zLenientText,
  exchanges: z.array(z.string()).catch([]),
  products: z.array(z.string()).catch([]),
  order_types: z.array(z.string()).catch([]),
});

const KiteSegmentMarginSchema = z.object({
  enabled: z.boolean().catch(true),
  net: zAmount,
  available: z.object({
    cash: zAmount,
    live_balance: zAmount,
    opening_balance: zAmount,
    collateral: zAmount,
  }),
  utilised: z.object({
    debits: zAmount,
    exposure: zAmount,
    span: zAmount,
    m2m_realised: zAmount,
    m2m_unrealised: zAmount,
  }),
});

/** GET /user/margins data. */
export const KiteMarginsSchema = z.object({
  equity: KiteSegmentMarginSchema.optional(),
  commodity: KiteSegmentMarginSchema.optional(),
});

/** GET /quote and /quote/ltp data: `{"NSE:INFY": {instrument_token, last_price, timestamp?}}`. */
export const KiteQuoteMapSchema = z.record(
  z.string(),
  z.object({
    instrument_token: zNullableNumber,
    last_price: zPrice,
    timestamp: timestamp.catch(null),
  }),
);

/** Ticker text frame: `{"type":"order","data":{...}}`, `{"type":"error","data":"..."}`, `{"type":"message",...}`. */
export const KiteTickerTextFrameSchema = z.object({
  type: z.string().min(1).max(32),
  data: z.unknown().optional(),
});
