import { z } from 'zod';
import {
  zAmount,
  zExchange,
  zId,
  zLenientNumber,
  zLenientText,
  zLenientTimestamp,
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
 * Symphony XTS interactive payloads (brokers.md §2.5–2.9). PascalCase fields; numbers may be
 * strings with thousands separators, "NaN" or ""; `Buy`/`BUY`; two timestamp formats. Fields we act
 * on are strict and named in errors, the rest lenient (`.catch`).
 */

/** OrderStatus is a string ("PartiallyFilled") or, on some servers, its FIX numeric code. */
const status = z.union([z.string().trim().min(1, 'empty status').max(64), z.number().int()]);

/** Order book row (`GET /interactive/orders`), history entry and socket `order` event (9004). */
export const XtsOrderSchema = z.object({
  LoginID: zLenientText,
  ClientID: zLenientText,
  AppOrderID: zId,
  OrderReferenceID: zLenientText,
  GeneratedBy: zLenientText,
  ExchangeOrderID: zOptionalId.catch(null),
  OrderCategoryType: zLenientText,
  ExchangeSegment: zExchange,
  ExchangeInstrumentID: zId,
  TradingSymbol: zLenientText,
  OrderSide: zSide,
  OrderType: zOrderType,
  ProductType: zProductCode,
  TimeInForce: zLenientText,
  OrderPrice: zPrice,
  OrderQuantity: zRequiredQuantity,
  OrderStopPrice: zPrice,
  OrderStatus: status,
  OrderAverageTradedPrice: zNullableNumber,
  OrderAverageTradedPriceAPI: zLenientNumber,
  LeavesQuantity: zLenientNumber,
  CumulativeQuantity: zQuantity,
  OrderDisclosedQuantity: zQuantity.catch(0),
  OrderGeneratedDateTime: zLenientTimestamp,
  ExchangeTransactTime: zLenientTimestamp,
  LastUpdateDateTime: zTimestamp,
  OrderExpiryDate: zLenientTimestamp,
  CancelRejectReason: zLenientText,
  OrderUniqueIdentifier: zLenientText,
  OrderLegStatus: zLenientText,
  MessageCode: zLenientNumber,
  SequenceNumber: zLenientNumber,
});
export type XtsOrder = z.infer<typeof XtsOrderSchema>;

/** Trade book row and socket `trade` event (9005): order fields plus the execution. */
export const XtsTradeSchema = z.object({
  AppOrderID: zId,
  ExchangeOrderID: zOptionalId.catch(null),
  ExchangeSegment: zExchange,
  ExchangeInstrumentID: zId,
  TradingSymbol: zLenientText,
  OrderSide: zSide,
  ProductType: zProductCode,
  OrderUniqueIdentifier: zLenientText,
  ExecutionID: zId,
  ExecutionReportIndex: zLenientNumber,
  LastTradedPrice: zPrice,
  LastTradedQuantity: zRequiredQuantity,
  LastExecutionTransactTime: zLenientTimestamp,
  ExchangeTransactTime: zLenientTimestamp,
  LastUpdateDateTime: zLenientTimestamp,
});
export type XtsTrade = z.infer<typeof XtsTradeSchema>;

/**
 * Position: socket `position` event (9002: LongPosition/ShortPosition/NetPosition, BuyValue...) and
 * REST `positionList` row (OpenBuyQuantity/OpenSellQuantity/Quantity, BuyAmount..., `Exchange`,
 * `ExchangeInstrumentId` with a lowercase d). Both spellings are read.
 */
export const XtsPositionSchema = z.object({
  AccountID: zLenientText,
  LoginID: zLenientText,
  ClientID: zLenientText,
  TradingSymbol: zLenientText,
  ExchangeSegment: zExchange.optional(),
  Exchange: zExchange.optional(),
  ExchangeInstrumentID: zOptionalId.catch(null),
  ExchangeInstrumentId: zOptionalId.catch(null),
  ProductType: zProductCode,
  Multiplier: zLenientNumber,
  BuyAveragePrice: zAmount,
  SellAveragePrice: zAmount,
  LongPosition: zNullableNumber,
  ShortPosition: zNullableNumber,
  NetPosition: zNullableNumber,
  OpenBuyQuantity: zNullableNumber,
  OpenSellQuantity: zNullableNumber,
  Quantity: zNullableNumber,
  BuyValue: zNullableNumber,
  SellValue: zNullableNumber,
  BuyAmount: zNullableNumber,
  SellAmount: zNullableNumber,
  UnrealizedMTM: zAmount,
  RealizedMTM: zAmount,
});
export type XtsPosition = z.infer<typeof XtsPositionSchema>;

/** `{type, code, description, result}`; errors may come with HTTP 200 (brokers.md §7.9). */
export const XtsEnvelopeSchema = z.object({
  type: z.string().min(1),
  code: z.string().catch(''),
  description: z.string().catch(''),
  result: z.unknown().optional(),
});

/** POST /interactive/user/session result. */
export const XtsLoginResultSchema = z.object({
  token: z.string().min(1),
  userID: z.string().min(1).optional(),
  isInvestorClient: z.boolean().catch(true),
  clientCodes: z.array(z.string()).catch([]),
});

/** Place/modify result `{AppOrderID, OrderUniqueIdentifier, ClientID}`; cancel may be `[{AppOrderID, ClientID}]`. */
export const XtsOrderAckSchema = z.object({
  AppOrderID: zId,
  OrderUniqueIdentifier: zLenientText,
  ClientID: zLenientText,
});

export const XtsPositionsResultSchema = z.union([
  z.object({ positionList: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);
