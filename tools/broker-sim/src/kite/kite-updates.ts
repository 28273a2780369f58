import type { SimOrderEvent } from '../engine/engine.types';

/**
 * Which engine transitions Kite pushes, and with what status (brokers.md §1.8-1.10): COMPLETE,
 * CANCELLED, REJECTED, and UPDATE for a partial fill or a finished modification. The ticker also
 * pushes a triggered stop as OPEN and, when `placement` is on, the order reaching the exchange
 * (OpenAlgo's reading of the docs; Zerodha staff say placement is not pushed).
 */
export function kiteUpdateStatus(
  event: SimOrderEvent,
  channel: 'postback' | 'ticker',
  placement = false,
): string | null {
  const { order, snapshot, trade } = event;
  if (order.broker !== 'kite') return null;
  switch (snapshot.state) {
    case 'complete':
      return 'COMPLETE';
    case 'cancelled':
      return 'CANCELLED';
    case 'rejected':
      return 'REJECTED';
    case 'open':
    case 'trigger-pending': {
      if (trade) return 'UPDATE';
      const index = order.history.lastIndexOf(snapshot);
      const previous = index > 0 ? order.history[index - 1].state : undefined;
      if (previous === 'modified') return 'UPDATE';
      if (channel === 'ticker' && previous === 'trigger-pending' && snapshot.state === 'open') return 'OPEN';
      if (channel === 'ticker' && placement && previous === 'open-pending') {
        return snapshot.state === 'open' ? 'OPEN' : 'TRIGGER PENDING';
      }
      return null;
    }
    case 'received':
    case 'validation-pending':
    case 'open-pending':
    case 'modify-validation-pending':
    case 'modify-pending':
    case 'modified':
    case 'cancel-pending':
      return null;
  }
}
