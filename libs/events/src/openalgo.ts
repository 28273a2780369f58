import type { Broker } from './envelope.schema';
import type { EventType } from './event-catalogue';
import type { CanonicalOrder, OrderStatus } from './order.schema';

/**
 * Event name on OpenAlgo-style frames (Socket.IO/WebSocket) and as Kafka `event_type`. Names
 * OpenAlgo itself emits are kept verbatim; ours follow its snake_case. null = not forwarded:
 * order.filled/order.cancelled repeat a state order.updated already carried, timer is in-process.
 */
export const OPENALGO_EVENT_NAMES: Readonly<Record<EventType, string | null>> = {
  'order.placed': 'order_event',
  'order.updated': 'order_update',
  'order.rejected': 'order_update',
  'order.reconciled': 'order_update',
  'order.cancelled': null,
  'order.filled': null,
  'order.notification': 'order_notification',
  'trade.executed': 'trade_update',
  'position.updated': 'position_update',
  'account.updated': 'account_update',
  'broker.connected': 'broker_status',
  'broker.disconnected': 'broker_status',
  'broker.error': 'broker_status',
  'analyzer.updated': 'analyzer_update',
  'system.master-contract-downloaded': 'master_contract_download',
  'auth.password-changed': 'password_change',
  'flags.updated': 'flags_update',
  timer: null,
};

/** Names OpenAlgo clients already know (brokers.md §3.3); the others are Fillwire additions. */
export const OPENALGO_NATIVE_NAMES: ReadonlySet<string> = new Set([
  'order_event',
  'order_update',
  'order_notification',
  'analyzer_update',
  'master_contract_download',
  'password_change',
]);

export function openAlgoEventName(type: EventType): string | null {
  return OPENALGO_EVENT_NAMES[type];
}

export type OpenAlgoOrderStatus = 'open' | 'trigger pending' | 'complete' | 'cancelled' | 'rejected';

/** OpenAlgo `order_status` (its Zerodha adapter maps every transient status to `open`). */
export function toOpenAlgoOrderStatus(status: OrderStatus): OpenAlgoOrderStatus {
  switch (status) {
    case 'PENDING':
    case 'OPEN':
    case 'PARTIALLY_FILLED':
      return 'open';
    case 'TRIGGER_PENDING':
      return 'trigger pending';
    case 'FILLED':
      return 'complete';
    case 'CANCELLED':
      return 'cancelled';
    case 'REJECTED':
      return 'rejected';
  }
}

const OPENALGO_BROKER: Readonly<Record<Broker, string>> = {
  zerodha: 'zerodha',
  jainam: 'jainamxts',
  paper: 'paper',
};

/** OpenAlgo's `order_update` payload for one order state. */
export interface OpenAlgoOrderUpdate {
  mode: 'live' | 'analyze';
  broker: string;
  orderid: string;
  symbol: string;
  exchange: string;
  action: 'BUY' | 'SELL';
  quantity: number;
  price: number;
  trigger_price: number;
  pricetype: string;
  product: string;
  order_status: OpenAlgoOrderStatus;
  filled_quantity: number;
  pending_quantity: number;
  average_price: number;
  rejection_reason: string;
}

export function toOpenAlgoOrderUpdate(
  order: CanonicalOrder,
  mode: 'live' | 'analyze' = 'live',
): OpenAlgoOrderUpdate {
  return {
    mode,
    broker: OPENALGO_BROKER[order.broker],
    orderid: order.brokerOrderId,
    symbol: order.symbol,
    exchange: order.exchange,
    action: order.side,
    quantity: order.quantity,
    price: order.price,
    trigger_price: order.triggerPrice,
    pricetype: order.orderType,
    product: order.product,
    order_status: toOpenAlgoOrderStatus(order.status),
    filled_quantity: order.filledQuantity,
    pending_quantity: order.pendingQuantity,
    average_price: order.averagePrice,
    rejection_reason: order.status === 'REJECTED' ? (order.statusMessage ?? '') : '',
  };
}
