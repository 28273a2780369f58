import { z } from 'zod';

/**
 * Request bodies as XTS clients send them. Numbers may arrive as numeric strings (OpenAlgo sends
 * `"0"` and quantities as strings), enums in any case (the SDKs send uppercase).
 */

const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);

const nonNegative = numeric.pipe(z.number().nonnegative());
const positiveInt = numeric.pipe(z.number().int().positive());
const nonNegativeInt = numeric.pipe(z.number().int().nonnegative());

const upperEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(values));

export const SegmentSchema = upperEnum([
  'NSECM',
  'NSEFO',
  'NSECD',
  'BSECM',
  'BSEFO',
  'BSECD',
  'MCXFO',
] as const);
export const RequestOrderTypeSchema = upperEnum(['MARKET', 'LIMIT', 'STOPMARKET', 'STOPLIMIT'] as const);
export const OrderSideSchema = upperEnum(['BUY', 'SELL'] as const);
export const ProductTypeSchema = upperEnum(['MIS', 'NRML', 'CNC', 'MTF'] as const);
export const TimeInForceSchema = upperEnum(['DAY', 'IOC'] as const);
const UniqueIdentifierSchema = z.string().max(20, 'orderUniqueIdentifier is limited to 20 characters');

export const LoginBodySchema = z.object({
  appKey: z.string().min(1),
  secretKey: z.string().min(1),
  source: z.string().optional(),
});

export const PlaceOrderBodySchema = z.object({
  exchangeSegment: SegmentSchema,
  exchangeInstrumentID: positiveInt,
  productType: ProductTypeSchema,
  orderType: RequestOrderTypeSchema,
  orderSide: OrderSideSchema,
  timeInForce: TimeInForceSchema.default('DAY'),
  disclosedQuantity: nonNegativeInt.default(0),
  orderQuantity: positiveInt,
  limitPrice: nonNegative.default(0),
  stopPrice: nonNegative.default(0),
  orderUniqueIdentifier: UniqueIdentifierSchema.default(''),
  apiOrderSource: z.string().optional(),
  clientID: z.string().optional(),
});
export type PlaceOrderBody = z.infer<typeof PlaceOrderBodySchema>;

export const ModifyOrderBodySchema = z.object({
  appOrderID: positiveInt,
  modifiedProductType: ProductTypeSchema.optional(),
  modifiedOrderType: RequestOrderTypeSchema,
  modifiedOrderQuantity: positiveInt,
  modifiedDisclosedQuantity: nonNegativeInt.default(0),
  modifiedLimitPrice: nonNegative.default(0),
  modifiedStopPrice: nonNegative.default(0),
  modifiedTimeInForce: TimeInForceSchema.default('DAY'),
  orderUniqueIdentifier: UniqueIdentifierSchema.default(''),
  clientID: z.string().optional(),
});
export type ModifyOrderBody = z.infer<typeof ModifyOrderBodySchema>;

export const CancelOrderQuerySchema = z.object({
  appOrderID: positiveInt,
  orderUniqueIdentifier: UniqueIdentifierSchema.optional(),
  clientID: z.string().optional(),
});

export const OrderHistoryQuerySchema = z.object({
  appOrderID: positiveInt.optional(),
  clientID: z.string().optional(),
});

export const PositionsQuerySchema = z.object({
  dayOrNet: z.enum(['NetWise', 'DayWise']).default('NetWise'),
  clientID: z.string().optional(),
});

/** The `errors[]` detail shape of XTS input errors (as modelled by the C# SDK). */
export interface XtsFieldError {
  field: string[];
  location: 'body' | 'query';
  messages: string[];
  types: string[];
}

export function fieldErrors(error: z.ZodError, location: XtsFieldError['location']): XtsFieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String),
    location,
    messages: [`"${issue.path.join('.') || 'body'}" ${issue.message}`],
    types: [issue.code],
  }));
}
