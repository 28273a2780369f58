import type { Broker } from './envelope.schema';
import { ORDER_STATUSES, isTerminalStatus, type InFlight, type OrderStatus } from './order.schema';

/** The result of mapping a broker status: never throws, never drops (see docs/events.md). */
export interface StatusMapping {
  status: OrderStatus;
  /** False when the broker sent a status we do not know: callers count it in a warning metric. */
  known: boolean;
  inFlight?: InFlight;
}

/**
 * One row of a broker's status table. `status` is the canonical status of an unfilled order;
 * a non-terminal status with a filled quantity > 0 becomes PARTIALLY_FILLED (see `applyFill`).
 */
export interface StatusTableRow {
  /** The broker's spelling, as documented. */
  brokerStatus: string;
  /** XTS numeric code (FIX OrdStatus character code), where there is one. */
  code?: number;
  status: OrderStatus;
  inFlight?: InFlight;
  note: string;
}

export const KITE_STATUS_TABLE: readonly StatusTableRow[] = [
  {
    brokerStatus: 'PUT ORDER REQ RECEIVED',
    status: 'PENDING',
    note: 'received by the OMS, not yet validated',
  },
  {
    brokerStatus: 'PUT ORDER REQUEST RECEIVED',
    status: 'PENDING',
    note: 'older spelling of PUT ORDER REQ RECEIVED in old docs and forum copies',
  },
  { brokerStatus: 'VALIDATION PENDING', status: 'PENDING', note: 'RMS validation running' },
  { brokerStatus: 'OPEN PENDING', status: 'PENDING', note: 'validated, sent to the exchange, no ack yet' },
  {
    brokerStatus: 'AMO REQ RECEIVED',
    status: 'PENDING',
    note: 'after-market order parked until the session opens',
  },
  {
    brokerStatus: 'OPEN',
    status: 'OPEN',
    note: 'working at the exchange; PARTIALLY_FILLED when filled_quantity > 0',
  },
  {
    brokerStatus: 'UPDATE',
    status: 'OPEN',
    note: 'postback/ticker only: a modification or partial fill of a working order; PARTIALLY_FILLED when filled_quantity > 0',
  },
  {
    brokerStatus: 'TRIGGER PENDING',
    status: 'TRIGGER_PENDING',
    note: 'SL / SL-M waiting for its trigger price',
  },
  {
    brokerStatus: 'MODIFY VALIDATION PENDING',
    status: 'OPEN',
    inFlight: 'modify',
    note: 'modification being validated; the order keeps working',
  },
  {
    brokerStatus: 'MODIFY PENDING',
    status: 'OPEN',
    inFlight: 'modify',
    note: 'modification sent to the exchange; the order keeps working',
  },
  {
    brokerStatus: 'MODIFIED',
    status: 'OPEN',
    note: 'modification applied (seen in order history, not in the docs table)',
  },
  {
    brokerStatus: 'CANCEL PENDING',
    status: 'OPEN',
    inFlight: 'cancel',
    note: 'cancel sent to the exchange; the order can still fill',
  },
  { brokerStatus: 'COMPLETE', status: 'FILLED', note: 'fully filled' },
  {
    brokerStatus: 'CANCELLED',
    status: 'CANCELLED',
    note: 'cancelled; filled_quantity keeps any partial fill',
  },
  {
    brokerStatus: 'CANCEL',
    status: 'CANCELLED',
    note: 'spelling used once in the postback docs intro; treated as CANCELLED',
  },
  {
    brokerStatus: 'REJECTED',
    status: 'REJECTED',
    note: 'rejected by RMS or the exchange; reason in status_message',
  },
];

export const XTS_STATUS_TABLE: readonly StatusTableRow[] = [
  { brokerStatus: 'PendingNew', code: 65, status: 'PENDING', note: 'received, not yet live' },
  {
    brokerStatus: 'New',
    code: 48,
    status: 'OPEN',
    note: 'live at the exchange; PARTIALLY_FILLED when CumulativeQuantity > 0',
  },
  { brokerStatus: 'Open', status: 'OPEN', note: 'docs spelling of New' },
  {
    brokerStatus: 'Trigger Pending',
    status: 'TRIGGER_PENDING',
    note: 'seen in OpenAlgo filters, not in XTS docs',
  },
  {
    brokerStatus: 'PartiallyFilled',
    code: 49,
    status: 'PARTIALLY_FILLED',
    note: 'partially filled, still working',
  },
  { brokerStatus: 'Filled', code: 50, status: 'FILLED', note: 'fully filled' },
  {
    brokerStatus: 'Cancelled',
    code: 52,
    status: 'CANCELLED',
    note: 'cancelled; LeavesQuantity is not zeroed, CumulativeQuantity keeps partial fills',
  },
  { brokerStatus: 'Replaced', code: 53, status: 'OPEN', note: 'modification applied, order working' },
  {
    brokerStatus: 'PendingCancel',
    code: 54,
    status: 'OPEN',
    inFlight: 'cancel',
    note: 'cancel requested; the order can still fill',
  },
  { brokerStatus: 'Rejected', code: 56, status: 'REJECTED', note: 'rejected; reason in CancelRejectReason' },
  {
    brokerStatus: 'PendingReplace',
    code: 69,
    status: 'OPEN',
    inFlight: 'modify',
    note: 'modification requested; the order keeps working',
  },
];

const normalizeKite = (status: string | null | undefined): string =>
  String(status ?? '')
    .trim()
    .replace(/\s+/g, ' ')
    .toUpperCase();
const normalizeXts = (status: string | null | undefined): string =>
  String(status ?? '')
    .replace(/[\s_-]+/g, '')
    .toLowerCase();

const KITE_INDEX = new Map(KITE_STATUS_TABLE.map((row) => [normalizeKite(row.brokerStatus), row]));
const XTS_INDEX = new Map<string, StatusTableRow>();
for (const row of XTS_STATUS_TABLE) {
  XTS_INDEX.set(normalizeXts(row.brokerStatus), row);
  if (row.code !== undefined) XTS_INDEX.set(String(row.code), row);
}

/**
 * A non-terminal order with fills is at least PARTIALLY_FILLED, whatever the broker's label
 * (Kite keeps `OPEN`/`UPDATE` for partial fills). It never becomes FILLED by arithmetic: only the
 * broker's terminal status says so.
 */
function applyFill(status: OrderStatus, filledQuantity: number): OrderStatus {
  if (isTerminalStatus(status) || !(filledQuantity > 0)) return status;
  return 'PARTIALLY_FILLED';
}

function fromRow(row: StatusTableRow | undefined, filledQuantity: number): StatusMapping {
  if (!row) return unknownStatus(filledQuantity);
  const status = applyFill(row.status, filledQuantity);
  return row.inFlight ? { status, known: true, inFlight: row.inFlight } : { status, known: true };
}

/** Unknown status: the safe non-terminal guess, so a later known update can still move the order. */
function unknownStatus(filledQuantity: number): StatusMapping {
  return { status: filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'PENDING', known: false };
}

export interface KiteStatusContext {
  filledQuantity: number;
  quantity: number;
}

/** Kite `status` (order book, history, postback or ticker) → canonical status. A missing status is unknown. */
export function mapKiteStatus(status: string | null | undefined, ctx: KiteStatusContext): StatusMapping {
  return fromRow(KITE_INDEX.get(normalizeKite(status)), ctx.filledQuantity);
}

export interface XtsStatusContext {
  cumulativeQuantity: number;
  orderQuantity: number;
}

/** XTS `OrderStatus` (string in any casing/spacing, or its numeric FIX code) → canonical status. */
export function mapXtsStatus(
  status: string | number | null | undefined,
  ctx: XtsStatusContext,
): StatusMapping {
  const key = typeof status === 'number' ? String(status) : normalizeXts(status);
  return fromRow(XTS_INDEX.get(key), ctx.cumulativeQuantity);
}

const CANONICAL = new Set<string>(ORDER_STATUSES);

/** Dispatch by broker; the paper broker speaks canonical statuses. */
export function mapBrokerStatus(
  broker: Broker,
  status: string,
  ctx: { filledQuantity: number; quantity: number },
): StatusMapping {
  switch (broker) {
    case 'zerodha':
      return mapKiteStatus(status, ctx);
    case 'jainam':
      return mapXtsStatus(status, { cumulativeQuantity: ctx.filledQuantity, orderQuantity: ctx.quantity });
    case 'paper':
      return CANONICAL.has(status)
        ? { status: applyFill(status as OrderStatus, ctx.filledQuantity), known: true }
        : unknownStatus(ctx.filledQuantity);
  }
}

/** Whether the broker's raw status is one we map (used by the event id recipe). */
export function isKnownBrokerStatus(broker: Broker, status: string): boolean {
  return mapBrokerStatus(broker, status, { filledQuantity: 0, quantity: 0 }).known;
}
