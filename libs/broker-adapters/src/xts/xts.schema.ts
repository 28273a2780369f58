import { z } from 'zod';
import {
  zAmount,
  zExchange,
  zId,
  zNullableNumber,
  zOptionalId,
  zOrderType,
  zPrice,
  zProductCode,
  zQuantity,
  zRequiredQuantity,
  zSide,
  zText,
  zTimestamp,
} from '../parsing/broker-fields';

/**
 * Symphony XTS interactive payloads (brokers.md §2.5–2.9). PascalCase fields; numbers may be
 * strings with thousands separators, "NaN" or ""; `Buy`/`BUY`; two timestamp formats. Fields we act
 * on are strict and named in errors, the rest lenient (`.catch`).
 */
const lenientText = zText.catch(null);
const lenientNumber = zNullableNumber.catch(null);
const lenientTimestamp = zTimestamp.catch(null);

/** OrderStatus is a string ("PartiallyFilled") or, on some servers, its FIX numeric code. */
const status = z.union([z.string().trim().min(1, 'empty status').max(64), z.number().int()]);

/** Order book row (`GET /interactive/orders`), history entry and socket `order` event (9004). */
export const XtsOrderSchema = z.object({
  LoginID: lenientText,
  ClientID: lenientText,
  AppOrderID: zId,
  OrderReferenceID: lenientText,
  GeneratedBy: lenientText,
  ExchangeOrderID: zOptionalId.catch(null),
  OrderCategoryType: lenientText,
  ExchangeSegment: zExchange,
  ExchangeInstrumentID: zId,
  TradingSymbol: lenientText,
  OrderSide: zSide,
  OrderType: zOrderType,
  ProductType: zProductCode,
  TimeInForce: lenientText,
  OrderPrice: zPrice,
  OrderQuantity: zRequiredQuantity,
  OrderStopPrice: zPrice,
  OrderStatus: status,
  OrderAverageTradedPrice: zNullableNumber,
  OrderAverageTradedPriceAPI: lenientNumber,
  LeavesQuantity: zQuantity.optional(),
  CumulativeQuantity: zQuantity,
  OrderDisclosedQuantity: zQuantity.catch(0),
  OrderGeneratedDateTime: lenientTimestamp,
  ExchangeTransactTime: lenientTimestamp,
  LastUpdateDateTime: zTimestamp,
  OrderExpiryDate: lenientTimestamp,
  CancelRejectReason: lenientText,
  OrderUniqueIdentifier: lenientText,
  OrderLegStatus: lenientText,
  MessageCode: lenientNumber,
  SequenceNumber: lenientNumber,
});
export type XtsOrder = z.infer<typeof XtsOrderSchema>;

/** Trade book row and socket `trade` event (9005): order fields plus the execution. */
export const XtsTradeSchema = z.object({
  AppOrderID: zId,
  ExchangeOrderID: zOptionalId.catch(null),
  ExchangeSegment: zExchange,
  ExchangeInstrumentID: zId,
  TradingSymbol: lenientText,
  OrderSide: zSide,
  ProductType: zProductCode,
  OrderUniqueIdentifier: lenientText,
  ExecutionID: zId,
  ExecutionReportIndex: lenientNumber,
  LastTradedPrice: zPrice,
  LastTradedQuantity: zRequiredQuantity,
  LastExecutionTransactTime: lenientTimestamp,
  ExchangeTransactTime: lenientTimestamp,
  LastUpdateDateTime: lenientTimestamp,
});
export type XtsTrade = z.infer<typeof XtsTradeSchema>;

/**
 * Position: socket `position` event (9002: LongPosition/ShortPosition/NetPosition, BuyValue...) and
 * REST `positionList` row (OpenBuyQuantity/OpenSellQuantity/Quantity, BuyAmount..., `Exchange`,
 * `ExchangeInstrumentId` with a lowercase d). Both spellings are read.
 */
export const XtsPositionSchema = z.object({
  AccountID: lenientText,
  LoginID: lenientText,
  ClientID: lenientText,
  TradingSymbol: lenientText,
  ExchangeSegment: zExchange.optional(),
  Exchange: zExchange.optional(),
  ExchangeInstrumentID: zOptionalId.catch(null),
  ExchangeInstrumentId: zOptionalId.catch(null),
  ProductType: zProductCode,
  Multiplier: lenientNumber,
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
  OrderUniqueIdentifier: lenientText,
  ClientID: lenientText,
});

export const XtsPositionsResultSchema = z.union([
  z.object({ positionList: z.array(z.unknown()) }),
  z.array(z.unknown()),
]);
