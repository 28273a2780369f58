import {
  openAlgoEventName,
  toOpenAlgoOrderUpdate,
  type CanonicalOrder,
  type EventEnvelope,
  type EventType,
} from '@fillwire/events';

export const PUSH_CHANNELS = ['orders', 'trades', 'positions', 'notifications'] as const;
export type PushChannel = (typeof PUSH_CHANNELS)[number];

/** Which subscription channel carries an event; absent = never pushed to screens. */
const CHANNEL_OF: Partial<Record<EventType, PushChannel>> = {
  'order.placed': 'orders',
  'order.updated': 'orders',
  'order.rejected': 'orders',
  'order.reconciled': 'orders',
  'trade.executed': 'trades',
  'position.updated': 'positions',
  'account.updated': 'positions',
  'order.notification': 'notifications',
  'broker.connected': 'notifications',
  'broker.disconnected': 'notifications',
  'broker.error': 'notifications',
  'analyzer.updated': 'notifications',
  'auth.password-changed': 'notifications',
};

export function channelOf(type: string): PushChannel | undefined {
  return CHANNEL_OF[type as EventType];
}

/** A data frame: `{event, id, ts, data}` plus the Fillwire type, envelope id and account. */
export interface PushFrame {
  /** OpenAlgo-style name: order_update, order_event, trade_update, position_update, order_notification … */
  event: string;
  /** Event log entry id; send it back as `lastEventId` to resume after this frame. */
  id: string;
  /** When the source produced the event (broker time where known), epoch ms. */
  ts: number;
  type: string;
  eventId: string;
  accountId?: string;
  data: unknown;
}

/** Routing facts and the serialized frame of one log entry, computed once for every client. */
export interface PushEvent {
  entryId: string;
  channel: PushChannel;
  userId?: string;
  accountId?: string;
  receivedAt: number;
  text: string;
}

function orderOf(data: unknown): CanonicalOrder | null {
  if (typeof data !== 'object' || data === null || !('order' in data)) return null;
  const order = data.order;
  return typeof order === 'object' && order !== null && 'brokerOrderId' in order
    ? (order as CanonicalOrder)
    : null;
}

/**
 * The frame for a log entry, or null when screens do not get this event. Order events carry
 * OpenAlgo's flat `order_update` fields (orderid, order_status, …) next to Fillwire's own payload,
 * so OpenAlgo scripts and our dashboard read the same frame.
 */
export function toPushFrame(entryId: string, envelope: EventEnvelope): PushFrame | null {
  const name = openAlgoEventName(envelope.type as EventType);
  if (!name || !channelOf(envelope.type)) return null;
  const order = orderOf(envelope.data);
  const payload = envelope.data as Record<string, unknown>;
  const data = order ? { ...toOpenAlgoOrderUpdate(order), ...payload } : payload;
  return {
    event: name,
    id: entryId,
    ts: envelope.ts,
    type: envelope.type,
    eventId: envelope.id,
    ...(envelope.accountId ? { accountId: envelope.accountId } : {}),
    data,
  };
}

export function toPushEvent(entryId: string, envelope: EventEnvelope): PushEvent | null {
  const frame = toPushFrame(entryId, envelope);
  const channel = channelOf(envelope.type);
  if (!frame || !channel) return null;
  return {
    entryId,
    channel,
    userId: envelope.userId,
    accountId: envelope.accountId,
    receivedAt: envelope.receivedAt,
    text: JSON.stringify(frame),
  };
}

/** Compares two decimal digit strings without converting them (ids exceed 2^53). */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

/** Stream entry ids `<ms>-<seq>` in log order; a bare `<ms>` counts as `<ms>-0`. */
export function compareEntryIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  return compareDigits(am, bm) || compareDigits(as, bs);
}
