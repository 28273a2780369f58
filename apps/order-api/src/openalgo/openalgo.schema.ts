import { z } from 'zod';

/** OpenAlgo accepts numbers or numeric strings (its scripts send both). */
const num = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v), z.number().finite());
const upper = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.toUpperCase() : v), z.enum(values));

const base = {
  apikey: z.string().min(1),
  strategy: z.string().max(64).optional(),
  /** Fillwire extension: which linked account (default: the user's first). */
  accountId: z.string().min(1).max(64).optional(),
};

/** OpenAlgo `placeorder` (brokers.md §3.2): same names and defaults. */
export const OaPlaceOrderSchema = z.object({
  ...base,
  strategy: z.string().min(1).max(64),
  exchange: upper(['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX']),
  symbol: z.string().trim().min(1).max(64),
  action: upper(['BUY', 'SELL']),
  quantity: num.pipe(z.number().int('quantity must be a whole number').positive()),
  pricetype: upper(['MARKET', 'LIMIT', 'SL', 'SL-M']).default('MARKET'),
  product: upper(['MIS', 'NRML', 'CNC']).default('MIS'),
  price: num.pipe(z.number().nonnegative()).default(0),
  trigger_price: num.pipe(z.number().nonnegative()).default(0),
  disclosed_quantity: num.pipe(z.number().int().nonnegative()).default(0),
});

export const OaModifyOrderSchema = z.object({
  ...base,
  orderid: z.coerce.string().min(1),
  exchange: upper(['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX']).optional(),
  symbol: z.string().optional(),
  action: upper(['BUY', 'SELL']).optional(),
  product: upper(['MIS', 'NRML', 'CNC']).optional(),
  pricetype: upper(['MARKET', 'LIMIT', 'SL', 'SL-M']),
  price: num.pipe(z.number().nonnegative()),
  quantity: num.pipe(z.number().int().positive()),
  disclosed_quantity: num.pipe(z.number().int().nonnegative()).default(0),
  trigger_price: num.pipe(z.number().nonnegative()).default(0),
});

export const OaOrderIdSchema = z.object({ ...base, orderid: z.coerce.string().min(1) });
export const OaBookSchema = z.object(base);
