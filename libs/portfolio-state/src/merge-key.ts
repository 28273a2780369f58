import { createHash } from 'node:crypto';
import {
  ORDER_STATUS_RANK,
  brokerSecond,
  orderStateFingerprint,
  type CanonicalOrder,
  type OrderStatus,
} from '@fillwire/events';

/** Same tables as compareOrderState (libs/events); merge-key.spec.ts proves the two orders agree. */
const TERMINAL_PRECEDENCE: Readonly<Record<OrderStatus, number>> = {
  PENDING: 0,
  OPEN: 0,
  TRIGGER_PENDING: 0,
  PARTIALLY_FILLED: 0,
  REJECTED: 1,
  CANCELLED: 2,
  FILLED: 3,
};
const STATUS_PRECEDENCE: Readonly<Record<OrderStatus, number>> = {
  PENDING: 0,
  TRIGGER_PENDING: 0,
  OPEN: 1,
  PARTIALLY_FILLED: 0,
  REJECTED: 0,
  CANCELLED: 0,
  FILLED: 0,
};

/**
 * compareOrderState's strict total order as data, so the Lua apply script can merge atomically
 * inside Redis: six numbers compared in turn, then the fingerprint (bytewise; ascending = newer).
 * The eighth element only breaks ties between copies of ONE broker state that differ in fields
 * the fingerprint leaves out (exchangeOrderId, statusMessage, raw status spelling): any fixed
 * choice keeps the stored order independent of delivery order.
 */
export type MergeKey = [number, number, number, number, number, number, string, string];

export function orderMergeKey(order: CanonicalOrder): MergeKey {
  return [
    ORDER_STATUS_RANK[order.status],
    order.filledQuantity,
    TERMINAL_PRECEDENCE[order.status],
    // compareOrderState treats "no broker time" as oldest; seconds are never negative.
    brokerSecond(order.brokerTimestamp) ?? -1,
    STATUS_PRECEDENCE[order.status],
    order.inFlight ? 0 : 1,
    orderStateFingerprint(order),
    contentHash(order),
  ];
}

/** Hash of every field, keys sorted, so two replicas pick the same copy of a state. */
export function contentHash(order: CanonicalOrder): string {
  const sorted = Object.fromEntries(Object.entries(order).sort(([a], [b]) => (a < b ? -1 : 1)));
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex');
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** TS twin of the Lua comparison (for the in-memory model): > 0 when `a` is newer than `b`. */
export function compareMergeKeys(a: MergeKey, b: MergeKey): number {
  for (let i = 0; i < 6; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return bytewise(a[6], b[6]) || bytewise(a[7], b[7]);
}
