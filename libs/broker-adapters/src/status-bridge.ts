import type { InFlight, OrderStatus } from '@fillwire/events';

/**
 * Broker status → canonical status. libs/events owns the tables (`mapKiteStatus`/`mapXtsStatus`);
 * until they are exported this bridge carries the same mapping, and switching is this one file.
 */
export interface StatusMapping {
  status: OrderStatus;
  known: boolean;
  inFlight?: InFlight;
}

interface Row {
  status: OrderStatus;
  inFlight?: InFlight;
}

const KITE: Readonly<Record<string, Row>> = {
  'PUT ORDER REQ RECEIVED': { status: 'PENDING' },
  'PUT ORDER REQUEST RECEIVED': { status: 'PENDING' },
  'VALIDATION PENDING': { status: 'PENDING' },
  'OPEN PENDING': { status: 'PENDING' },
  'AMO REQ RECEIVED': { status: 'PENDING' },
  OPEN: { status: 'OPEN' },
  UPDATE: { status: 'OPEN' },
  'TRIGGER PENDING': { status: 'TRIGGER_PENDING' },
  'MODIFY VALIDATION PENDING': { status: 'OPEN', inFlight: 'modify' },
  'MODIFY PENDING': { status: 'OPEN', inFlight: 'modify' },
  MODIFIED: { status: 'OPEN' },
  'CANCEL PENDING': { status: 'OPEN', inFlight: 'cancel' },
  COMPLETE: { status: 'FILLED' },
  CANCELLED: { status: 'CANCELLED' },
  CANCEL: { status: 'CANCELLED' },
  REJECTED: { status: 'REJECTED' },
};

const XTS: Readonly<Record<string, Row>> = {
  pendingnew: { status: 'PENDING' },
  '65': { status: 'PENDING' },
  new: { status: 'OPEN' },
  '48': { status: 'OPEN' },
  open: { status: 'OPEN' },
  triggerpending: { status: 'TRIGGER_PENDING' },
  partiallyfilled: { status: 'PARTIALLY_FILLED' },
  '49': { status: 'PARTIALLY_FILLED' },
  filled: { status: 'FILLED' },
  '50': { status: 'FILLED' },
  cancelled: { status: 'CANCELLED' },
  '52': { status: 'CANCELLED' },
  replaced: { status: 'OPEN' },
  '53': { status: 'OPEN' },
  pendingcancel: { status: 'OPEN', inFlight: 'cancel' },
  '54': { status: 'OPEN', inFlight: 'cancel' },
  rejected: { status: 'REJECTED' },
  '56': { status: 'REJECTED' },
  pendingreplace: { status: 'OPEN', inFlight: 'modify' },
  '69': { status: 'OPEN', inFlight: 'modify' },
};

const TERMINAL = new Set<OrderStatus>(['FILLED', 'CANCELLED', 'REJECTED']);

function fromRow(row: Row | undefined, filled: number): StatusMapping {
  if (!row) return { status: filled > 0 ? 'PARTIALLY_FILLED' : 'PENDING', known: false };
  const status = !TERMINAL.has(row.status) && filled > 0 ? 'PARTIALLY_FILLED' : row.status;
  return row.inFlight ? { status, known: true, inFlight: row.inFlight } : { status, known: true };
}

export function mapKiteStatus(status: string, ctx: { filledQuantity: number; quantity: number }): StatusMapping {
  const key = status.trim().replace(/\s+/g, ' ').toUpperCase();
  return fromRow(Object.prototype.hasOwnProperty.call(KITE, key) ? KITE[key] : undefined, ctx.filledQuantity);
}

export function mapXtsStatus(
  status: string | number,
  ctx: { cumulativeQuantity: number; orderQuantity: number },
): StatusMapping {
  const key = typeof status === 'number' ? String(status) : status.replace(/[\s_-]+/g, '').toLowerCase();
  return fromRow(Object.prototype.hasOwnProperty.call(XTS, key) ? XTS[key] : undefined, ctx.cumulativeQuantity);
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(status);
}
