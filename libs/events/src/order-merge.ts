import { brokerSecond, orderStateFingerprint, type OrderStateFields } from './event-id';
import { ORDER_STATUS_RANK, type OrderStatus } from './order.schema';

export type OrderStateVerdict = 'newer' | 'duplicate' | 'stale';

/** Among terminal states with the same fills: a full fill beats a cancel beats a rejection. */
const TERMINAL_PRECEDENCE: Readonly<Record<OrderStatus, number>> = {
  PENDING: 0,
  OPEN: 0,
  TRIGGER_PENDING: 0,
  PARTIALLY_FILLED: 0,
  REJECTED: 1,
  CANCELLED: 2,
  FILLED: 3,
};

/** Same rank, same second: a triggered order (OPEN) comes after TRIGGER_PENDING. */
const STATUS_PRECEDENCE: Readonly<Record<OrderStatus, number>> = {
  PENDING: 0,
  TRIGGER_PENDING: 0,
  OPEN: 1,
  PARTIALLY_FILLED: 0,
  REJECTED: 0,
  CANCELLED: 0,
  FILLED: 0,
};

const sign = (a: number, b: number): number => (a === b ? 0 : a > b ? 1 : -1);

/**
 * Decide whether `incoming` moves an order forward from `current`. A strict total order on
 * (status rank, filled quantity, terminal precedence, broker second, status precedence, settled
 * before in-flight, fingerprint), so folding any permutation of the same updates ends in the same
 * state. `duplicate` exactly when both have the same fingerprint (= the same event id).
 * Throws only when the two are not the same order: that is a caller bug.
 */
export function compareOrderState(current: OrderStateFields, incoming: OrderStateFields): OrderStateVerdict {
  if (
    current.broker !== incoming.broker ||
    current.accountId !== incoming.accountId ||
    current.brokerOrderId !== incoming.brokerOrderId
  ) {
    throw new Error(
      `compareOrderState: different orders (${current.broker}/${current.accountId}/${current.brokerOrderId} vs ` +
        `${incoming.broker}/${incoming.accountId}/${incoming.brokerOrderId})`,
    );
  }
  const a = orderStateFingerprint(current);
  const b = orderStateFingerprint(incoming);
  if (a === b) return 'duplicate';
  const steps = [
    sign(ORDER_STATUS_RANK[incoming.status], ORDER_STATUS_RANK[current.status]),
    sign(incoming.filledQuantity, current.filledQuantity),
    sign(TERMINAL_PRECEDENCE[incoming.status], TERMINAL_PRECEDENCE[current.status]),
    sign(
      brokerSecond(incoming.brokerTimestamp) ?? -Infinity,
      brokerSecond(current.brokerTimestamp) ?? -Infinity,
    ),
    sign(STATUS_PRECEDENCE[incoming.status], STATUS_PRECEDENCE[current.status]),
    // Within one second a settled state (modify applied or refused) follows its in-flight request.
    sign(incoming.inFlight ? 0 : 1, current.inFlight ? 0 : 1),
    // No ordering evidence left: any fixed choice makes every replica converge.
    b > a ? 1 : -1,
  ];
  const decided = steps.find((s) => s !== 0) ?? 0;
  return decided > 0 ? 'newer' : 'stale';
}
