import { z } from 'zod';
import type { Exchange, OrderType, Side } from '@fillwire/events';
import type { Result } from '../result';
import { parseBrokerTimestamp } from './ist-time';
import {
  parseAmount,
  parseId,
  parseNumeric,
  parseOptionalId,
  parseOptionalText,
  parsePrice,
  parseQuantity,
} from './numeric';

/**
 * zod field types for broker payloads. Each wraps one of the never-throwing parsers, so a schema
 * both validates and converts, and every issue carries the field's path.
 */
function field<T>(parse: (value: unknown) => Result<T>) {
  return z
    .unknown()
    .optional()
    .transform((value, ctx): T => {
      const result = parse(value);
      if (result.ok) return result.value;
      ctx.addIssue({ code: 'custom', message: result.error });
      return z.NEVER;
    });
}

export const zId = field((v) => parseId(v, ''));
export const zOptionalId = field((v) => parseOptionalId(v, ''));
export const zQuantity = field((v) => parseQuantity(v, ''));
/** A quantity the order cannot do without: missing or empty is an error, not 0. */
export const zRequiredQuantity = field((v) =>
  v === undefined || v === null || v === ''
    ? { ok: false as const, error: 'missing quantity' }
    : parseQuantity(v, ''),
);
export const zPrice = field((v) => parsePrice(v, ''));
export const zAmount = field((v) => parseAmount(v, ''));
export const zNullableNumber = field((v) => parseNumeric(v, ''));
export const zText = field((v) => parseOptionalText(v, ''));
export const zTimestamp = field((v) => parseBrokerTimestamp(v, ''));

/** Pass-through fields: a surprising value becomes null instead of losing the whole update. */
export const zLenientText = zText.catch(null);
export const zLenientNumber = zNullableNumber.catch(null);
export const zLenientTimestamp = zTimestamp.catch(null);

function lookup<T extends string>(table: Readonly<Record<string, T>>, what: string) {
  return field((value): Result<T> => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      return { ok: false, error: `expected ${what}, got ${value === null ? 'null' : typeof value}` };
    }
    const key = String(value).trim().toUpperCase().replace(/[\s_]/g, '');
    const hit = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
    return hit
      ? { ok: true, value: hit }
      : { ok: false, error: `unknown ${what} ${JSON.stringify(String(value).slice(0, 30))}` };
  });
}

/** Buy/BUY/buy (XTS answers `Buy`, takes `BUY`); XTS numeric side codes 49/50 too. */
export const SIDES: Readonly<Record<string, Side>> = {
  BUY: 'BUY',
  SELL: 'SELL',
  B: 'BUY',
  S: 'SELL',
  '49': 'BUY',
  '50': 'SELL',
};
export const zSide = lookup(SIDES, 'side');

/** Kite MARKET/LIMIT/SL/SL-M and XTS Market/Limit/StopLimit/StopMarket (any case; numeric codes). */
export const ORDER_TYPES: Readonly<Record<string, OrderType>> = {
  MARKET: 'MARKET',
  MKT: 'MARKET',
  LIMIT: 'LIMIT',
  LMT: 'LIMIT',
  SL: 'SL',
  'SL-M': 'SL-M',
  SLM: 'SL-M',
  STOPLIMIT: 'SL',
  STOPMARKET: 'SL-M',
  '1': 'MARKET',
  '2': 'LIMIT',
  '4': 'SL-M',
  '8': 'SL',
};
export const zOrderType = lookup(ORDER_TYPES, 'order type');

/** Kite exchange codes and XTS exchange segments (names and numeric codes, brokers.md §4). */
export const EXCHANGES: Readonly<Record<string, Exchange>> = {
  NSE: 'NSE',
  BSE: 'BSE',
  NFO: 'NFO',
  BFO: 'BFO',
  CDS: 'CDS',
  BCD: 'BCD',
  MCX: 'MCX',
  NSECM: 'NSE',
  BSECM: 'BSE',
  NSEFO: 'NFO',
  BSEFO: 'BFO',
  NSECD: 'CDS',
  BSECD: 'BCD',
  MCXFO: 'MCX',
  '1': 'NSE',
  '2': 'NFO',
  '3': 'CDS',
  '11': 'BSE',
  '12': 'BFO',
  '13': 'BCD',
  '51': 'MCX',
};
export const zExchange = lookup(EXCHANGES, 'exchange');

/** Our exchange → XTS exchangeSegment (request side). */
export const XTS_SEGMENTS: Readonly<Record<Exchange, string>> = {
  NSE: 'NSECM',
  BSE: 'BSECM',
  NFO: 'NSEFO',
  BFO: 'BSEFO',
  CDS: 'NSECD',
  BCD: 'BSECD',
  MCX: 'MCXFO',
};

/** Broker product as given ("CO", "BO" exist in position books); upper-cased, XTS numeric codes named. */
const XTS_PRODUCT_CODES: Readonly<Record<string, string>> = {
  '1': 'MIS',
  '2': 'NRML',
  '4': 'CNC',
  '8': 'CO',
  '16': 'BO',
  '32': 'MTF',
};
export const zProductCode = field((value): Result<string> => {
  if (typeof value !== 'string' && typeof value !== 'number')
    return { ok: false, error: `expected a product, got ${typeof value}` };
  const text = String(value).trim().toUpperCase();
  if (text === '' || text.length > 16)
    return { ok: false, error: `invalid product ${JSON.stringify(text.slice(0, 20))}` };
  return { ok: true, value: XTS_PRODUCT_CODES[text] ?? text };
});

/** Turns zod issues into one line naming each field: `order_id: expected an id string, got undefined`. */
export function describeIssues(error: z.ZodError, prefix?: string): string {
  const text = error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  const more = error.issues.length > 5 ? ` (+${error.issues.length - 5} more)` : '';
  return prefix ? `${prefix}: ${text}${more}` : `${text}${more}`;
}
