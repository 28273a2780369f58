import type { Exchange } from '@fillwire/events';
import { z } from 'zod';
import { EXCHANGES } from '../parsing/broker-fields';

/** One row of Kite's instrument master (`GET /instruments`, brokers.md §4: read lot and tick sizes here). */
export interface KiteInstrument {
  /** What the ticker subscribes to: exchange token × 256 + segment. */
  instrumentToken: number;
  /** The exchange's own id (= XTS ExchangeInstrumentID). */
  exchangeToken: number;
  exchange: Exchange;
  tradingsymbol: string;
  /** Company (equities) or underlying (derivatives: NIFTY, BANKNIFTY). */
  name: string;
  /** yyyy-mm-dd for derivatives, null otherwise. */
  expiry: string | null;
  strike: number;
  tickSize: number;
  lotSize: number;
  /** EQ, FUT, CE, PE. */
  instrumentType: string;
  segment: string;
}

const token = z.coerce.number().int().positive();
const number = z.preprocess((v) => (v === '' || v === undefined || v === null ? 0 : v), z.coerce.number());
// kiteconnect turns `expiry` into a Date when it parses the CSV itself; ours arrives as text.
const expiry = z.preprocess(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime()) ? v.toISOString().slice(0, 10) : v),
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? null : s))
    .pipe(
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected yyyy-mm-dd')
        .nullable(),
    ),
);
const text = z.preprocess((v) => v ?? '', z.string().trim());

const KiteInstrumentRowSchema = z.object({
  instrument_token: token,
  exchange_token: token,
  tradingsymbol: z.string().trim().min(1),
  name: text,
  expiry: expiry.optional().transform((v) => v ?? null),
  strike: number,
  tick_size: number,
  lot_size: number,
  instrument_type: text,
  segment: text,
  exchange: z.string().trim(),
});

export interface KiteInstrumentList {
  instruments: KiteInstrument[];
  /** Rows that were not usable, or on exchanges Fillwire does not trade (e.g. MF, NCO). */
  skipped: number;
}

/**
 * The instrument master as the Kite client hands it over: the CSV text (our adapter keeps raw
 * responses) or rows kiteconnect already split. Unusable rows are counted, not fatal: one odd line
 * in a 90,000-line dump must not leave every position without a price.
 */
export function normalizeKiteInstruments(data: unknown): KiteInstrumentList {
  const rows = typeof data === 'string' ? parseCsv(data) : Array.isArray(data) ? (data as unknown[]) : [];
  const instruments: KiteInstrument[] = [];
  let skipped = 0;
  for (const row of rows) {
    const parsed = KiteInstrumentRowSchema.safeParse(row);
    const exchange = parsed.success ? EXCHANGES[parsed.data.exchange.toUpperCase()] : undefined;
    if (!parsed.success || !exchange || /^\d+$/.test(parsed.data.exchange)) {
      skipped += 1;
      continue;
    }
    const r = parsed.data;
    instruments.push({
      instrumentToken: r.instrument_token,
      exchangeToken: r.exchange_token,
      exchange,
      tradingsymbol: r.tradingsymbol,
      name: r.name,
      expiry: r.expiry,
      strike: r.strike,
      tickSize: r.tick_size,
      lotSize: r.lot_size,
      instrumentType: r.instrument_type.toUpperCase(),
      segment: r.segment,
    });
  }
  return { instruments, skipped };
}

/** CSV with a header line into records (RFC 4180 quoting: Kite quotes names, which may hold commas). */
function parseCsv(text: string): Array<Record<string, string>> {
  const lines = splitRecords(text);
  const header = lines.shift()?.map((h) => h.trim());
  if (!header) return [];
  return lines
    .filter((cells) => cells.length > 1 || cells[0] !== '')
    .map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      cells.push(cell);
      records.push(cells);
      cells = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || cells.length > 0) records.push([...cells, cell]);
  return records;
}
