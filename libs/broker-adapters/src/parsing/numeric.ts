import { fail, ok, Result } from '../result';
import { at } from './field';

// Plain decimals, optionally with Indian or western thousands separators ("2,853.50", "1,00,000").
const DECIMAL = /^[+-]?(\d{1,3}(,\d{2,3})*|\d+)(\.\d+)?$/;

/**
 * Reads a broker number that may arrive as a number or a string: `"2,853.50"`, `" 12 "`.
 * `""`, `"NaN"`, `null` and `undefined` mean "no value" (null), never 0: an XTS average price of
 * `""` before the first fill is unknown, not free.
 */
export function parseNumeric(value: unknown, field: string): Result<number | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return ok(null);
    return Number.isFinite(value) ? ok(value) : fail(at(field, `not a finite number (${String(value)})`));
  }
  if (typeof value !== 'string')
    return fail(at(field, `expected a number or numeric string, got ${typeof value}`));
  const text = value.trim();
  if (text === '' || /^nan$/i.test(text)) return ok(null);
  if (!DECIMAL.test(text)) return fail(at(field, `not a number ${JSON.stringify(value.slice(0, 40))}`));
  const parsed = Number(text.replace(/,/g, ''));
  return Number.isFinite(parsed)
    ? ok(parsed)
    : fail(at(field, `number out of range ${JSON.stringify(value.slice(0, 40))}`));
}

/** Like parseNumeric, with a default for "no value". */
export function parseNumericOr(value: unknown, field: string, fallback: number): Result<number> {
  const parsed = parseNumeric(value, field);
  if (!parsed.ok) return parsed;
  return ok(parsed.value ?? fallback);
}

/** A quantity: a whole, non-negative, safe integer ("1,500" accepted). */
export function parseQuantity(value: unknown, field: string, fallback = 0): Result<number> {
  const parsed = parseNumericOr(value, field, fallback);
  if (!parsed.ok) return parsed;
  const n = parsed.value;
  if (!Number.isSafeInteger(n) || n < 0)
    return fail(at(field, `expected a whole non-negative quantity, got ${n}`));
  return ok(n);
}

/** A price: finite and non-negative; "no value" becomes the fallback (0 by default). */
export function parsePrice(value: unknown, field: string, fallback = 0): Result<number> {
  const parsed = parseNumericOr(value, field, fallback);
  if (!parsed.ok) return parsed;
  if (parsed.value < 0) return fail(at(field, `negative price ${parsed.value}`));
  return ok(parsed.value);
}

/** A signed amount (P&L, net quantity, values). */
export function parseAmount(value: unknown, field: string, fallback = 0): Result<number> {
  return parseNumericOr(value, field, fallback);
}

/**
 * A broker id as a decimal string. Kite order ids reach 19 digits (> 2^53), so a number that is not a
 * safe integer has already lost digits and is refused rather than silently rounded.
 */
export function parseId(value: unknown, field: string): Result<string> {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return fail(at(field, `empty id`));
    if (text.length > 64) return fail(at(field, `id longer than 64 characters`));
    return ok(text);
  }
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return ok(String(value));
    return fail(
      at(field, `numeric id ${String(value)} is not a safe integer (ids above 2^53 must arrive as strings)`),
    );
  }
  if (typeof value === 'bigint') return value >= 0n ? ok(value.toString()) : fail(at(field, `negative id`));
  return fail(at(field, `expected an id string, got ${value === null ? 'null' : typeof value}`));
}

/** An optional id: null, undefined and "" mean "none yet" (Kite exchange_order_id, XTS ExchangeOrderID). */
export function parseOptionalId(value: unknown, field: string): Result<string | null> {
  if (value === null || value === undefined || value === '') return ok(null);
  return parseId(value, field);
}

/** Optional free text, trimmed; "" becomes null. */
export function parseOptionalText(value: unknown, field: string): Result<string | null> {
  if (value === null || value === undefined) return ok(null);
  if (typeof value !== 'string') return fail(at(field, `expected text, got ${typeof value}`));
  const text = value.trim();
  return ok(text === '' ? null : text);
}
