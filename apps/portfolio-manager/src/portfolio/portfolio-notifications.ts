import { createHash } from 'node:crypto';
import type { CanonicalOrder, NotificationKind, OrderNotification } from '@fillwire/events';

/** Deterministic id: replicas and redeliveries announcing the same fact publish it once. */
export function notificationId(kind: NotificationKind, fact: string): string {
  return `pm-n-${createHash('sha256').update(`${kind}|${fact}`).digest('hex').slice(0, 32)}`;
}

const money = (x: number) => x.toFixed(2);

/** Who cancelled an order (automation, square-off), remembered for order.cancelled `cancelledBy`. */
export const cancelReasonDoc = (r: { broker: string; accountId: string; brokerOrderId: string }) =>
  `cancel-by|${r.broker}|${r.accountId}|${r.brokerOrderId}`;

/**
 * What a trader should hear about a merged order state that just became current: fills, partial
 * fills, rejections and cancels. Null when the step changed nothing worth a line.
 */
export function orderNotification(
  previous: CanonicalOrder | null,
  current: CanonicalOrder,
): OrderNotification | null {
  const base = {
    accountId: current.accountId,
    broker: current.broker,
    brokerOrderId: current.brokerOrderId,
    symbol: current.symbol,
    exchange: current.exchange,
    side: current.side,
  };
  const what = `${current.side} ${current.quantity} ${current.symbol}`;
  if (previous?.status === current.status && previous.filledQuantity === current.filledQuantity) return null;
  switch (current.status) {
    case 'FILLED':
      return {
        kind: 'fill',
        level: 'info',
        message: `${what} filled at ${money(current.averagePrice)}`,
        ...base,
        quantity: current.filledQuantity,
        price: current.averagePrice,
      };
    case 'PARTIALLY_FILLED':
      if ((previous?.filledQuantity ?? 0) >= current.filledQuantity) return null;
      return {
        kind: 'partial-fill',
        level: 'info',
        message: `${what}: ${current.filledQuantity} filled at ${money(current.averagePrice)}`,
        ...base,
        quantity: current.filledQuantity,
        price: current.averagePrice,
      };
    case 'REJECTED':
      return {
        kind: 'rejection',
        level: 'warning',
        message: `${what} rejected: ${current.statusMessage ?? 'no reason given'}`,
        ...base,
        quantity: current.quantity,
      };
    case 'CANCELLED':
      return {
        kind: 'cancel',
        level: 'info',
        message:
          current.filledQuantity > 0
            ? `${what} cancelled after ${current.filledQuantity} filled`
            : `${what} cancelled`,
        ...base,
        quantity: current.quantity - current.filledQuantity,
      };
    default:
      return null;
  }
}

/**
 * A transition the state machine should never see: one terminal state after another, or a newer
 * state with fewer fills. Counted and logged; the merge still keeps the highest state.
 */
export function invalidTransition(
  previous: CanonicalOrder | null,
  incoming: CanonicalOrder,
  newer: boolean,
): string | null {
  if (!previous) return null;
  const terminal = (s: string) => s === 'FILLED' || s === 'CANCELLED' || s === 'REJECTED';
  if (terminal(previous.status) && terminal(incoming.status) && previous.status !== incoming.status)
    return 'terminal-after-terminal';
  if (newer && incoming.filledQuantity < previous.filledQuantity) return 'fills-went-down';
  return null;
}
